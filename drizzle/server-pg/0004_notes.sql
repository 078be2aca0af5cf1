CREATE TABLE "note_chunks" (
	"pk" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "note_chunks_pk_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" text NOT NULL,
	"note_pk" integer NOT NULL,
	"seq" integer NOT NULL,
	"title" text NOT NULL,
	"heading" text NOT NULL,
	"heading_text" text NOT NULL,
	"start_line" integer NOT NULL,
	"end_line" integer NOT NULL,
	"content" text NOT NULL,
	"search_tsv" "tsvector" GENERATED ALWAYS AS (setweight(vlt_tagged_tsvector(vlt_user_tag(user_id), to_tsvector('english', title)), 'A') || setweight(vlt_tagged_tsvector(vlt_user_tag(user_id), to_tsvector('english', heading_text)), 'B') || vlt_tagged_tsvector(vlt_user_tag(user_id), to_tsvector('english', content))) STORED NOT NULL
);
--> statement-breakpoint
CREATE TABLE "note_links" (
	"pk" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "note_links_pk_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" text NOT NULL,
	"project_id" text NOT NULL,
	"note_pk" integer NOT NULL,
	"key" text NOT NULL,
	"line" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notes" (
	"pk" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "notes_pk_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" text NOT NULL,
	"project_id" text NOT NULL,
	"path" text NOT NULL,
	"sha256" text NOT NULL,
	"size" integer NOT NULL,
	"title" text NOT NULL,
	"tags" text NOT NULL,
	"aliases" text NOT NULL,
	"headings" text NOT NULL,
	"content" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "note_chunks" ADD CONSTRAINT "note_chunks_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "note_chunks" ADD CONSTRAINT "note_chunks_note_pk_notes_pk_fk" FOREIGN KEY ("note_pk") REFERENCES "public"."notes"("pk") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "note_links" ADD CONSTRAINT "note_links_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "note_links" ADD CONSTRAINT "note_links_note_pk_notes_pk_fk" FOREIGN KEY ("note_pk") REFERENCES "public"."notes"("pk") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notes" ADD CONSTRAINT "notes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "note_chunks_note_seq" ON "note_chunks" USING btree ("note_pk","seq");--> statement-breakpoint
CREATE INDEX "note_chunks_user" ON "note_chunks" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "note_chunks_search_tsv" ON "note_chunks" USING gin ("search_tsv");--> statement-breakpoint
CREATE INDEX "note_links_user_project_key" ON "note_links" USING btree ("user_id","project_id","key");--> statement-breakpoint
CREATE INDEX "note_links_note" ON "note_links" USING btree ("note_pk");--> statement-breakpoint
CREATE UNIQUE INDEX "notes_user_project_path" ON "notes" USING btree ("user_id","project_id","path");--> statement-breakpoint
CREATE INDEX "notes_user_project_hash" ON "notes" USING btree ("user_id","project_id","sha256");