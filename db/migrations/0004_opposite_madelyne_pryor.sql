ALTER TABLE `cluster` ADD `allowed_placement_labels` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `cluster` ADD `volume_driver` text DEFAULT 'local' NOT NULL;