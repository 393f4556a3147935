CREATE TABLE `usage_sample` (
	`id` integer PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`at` integer NOT NULL,
	`running_replicas` integer NOT NULL,
	`total_replicas` integer NOT NULL,
	`cpu_millis` integer NOT NULL,
	`memory_mb` integer NOT NULL,
	`agent_services` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenant`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `usage_sample_tenant_at_idx` ON `usage_sample` (`tenant_id`,`at`);