ALTER TABLE `renders` ADD `dialect` text DEFAULT 'hyperframes' NOT NULL;--> statement-breakpoint
ALTER TABLE `renders` ADD `output_kind` text DEFAULT 'video' NOT NULL;--> statement-breakpoint
ALTER TABLE `renders` ADD `failure_category` text;--> statement-breakpoint
ALTER TABLE `renders` ADD `files` text;