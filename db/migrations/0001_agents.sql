CREATE TABLE `agent` (
	`id` text PRIMARY KEY NOT NULL,
	`cluster_id` text NOT NULL,
	`public_key_jwk` text NOT NULL,
	`hostname` text NOT NULL,
	`swarm_node_id` text NOT NULL,
	`version` text NOT NULL,
	`last_issued_seq` integer DEFAULT 0 NOT NULL,
	`enrolled_at` integer NOT NULL,
	`last_seen_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`cluster_id`) REFERENCES `cluster`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `agent_cluster_idx` ON `agent` (`cluster_id`);--> statement-breakpoint
CREATE TABLE `cluster` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`owner_tenant_id` text,
	`allow_manager_placement` integer DEFAULT true NOT NULL,
	`allowed_registries` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`owner_tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `join_token` (
	`id` text PRIMARY KEY NOT NULL,
	`cluster_id` text NOT NULL,
	`secret_hash` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`cluster_id`) REFERENCES `cluster`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `join_token_secretHash_unique` ON `join_token` (`secret_hash`);--> statement-breakpoint
CREATE TABLE `agent_service` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`cluster_id` text NOT NULL,
	`name` text NOT NULL,
	`spec` text NOT NULL,
	`spec_hash` text NOT NULL,
	`replicas` integer NOT NULL,
	`remembered_replicas` integer NOT NULL,
	`cpu_millis` integer NOT NULL,
	`memory_mb` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`status_reason` text,
	`tasks` text DEFAULT '[]' NOT NULL,
	`observed_at` integer,
	`running_replicas` integer DEFAULT 0 NOT NULL,
	`replica_seconds` integer DEFAULT 0 NOT NULL,
	`accounted_at` integer,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`cluster_id`) REFERENCES `cluster`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `agent_service_tenant_idx` ON `agent_service` (`tenant_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `agent_service_live_name` ON `agent_service` (`tenant_id`,`name`) WHERE status <> 'removed';--> statement-breakpoint
CREATE TABLE `agent_service_event` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`agent_service_id` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `agent_service_event_service_idx` ON `agent_service_event` (`agent_service_id`,`at`);--> statement-breakpoint
CREATE INDEX `agent_service_event_tenant_idx` ON `agent_service_event` (`tenant_id`,`at`);--> statement-breakpoint
CREATE TABLE `agent_service_secret` (
	`agent_service_id` text NOT NULL,
	`name` text NOT NULL,
	`ciphertext` text NOT NULL,
	`content_hash` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`agent_service_id`, `name`),
	FOREIGN KEY (`agent_service_id`) REFERENCES `agent_service`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `command` (
	`id` text PRIMARY KEY NOT NULL,
	`cluster_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`agent_service_id` text,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`agent_id` text,
	`seq` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`result` text,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`done_at` integer,
	FOREIGN KEY (`cluster_id`) REFERENCES `cluster`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`agent_id`) REFERENCES `agent`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `command_cluster_status_idx` ON `command` (`cluster_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `command_agent_seq_idx` ON `command` (`agent_id`,`seq`);--> statement-breakpoint
CREATE TABLE `idempotency_record` (
	`key` text NOT NULL,
	`scope` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`scope`, `key`)
);
