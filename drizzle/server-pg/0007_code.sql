CREATE TABLE "code_chunks" (
	"pk" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "code_chunks_pk_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" text NOT NULL,
	"file_pk" integer NOT NULL,
	"seq" integer NOT NULL,
	"kind" text NOT NULL,
	"symbol" text NOT NULL,
	"container" text NOT NULL,
	"signature" text NOT NULL,
	"start_line" integer NOT NULL,
	"end_line" integer NOT NULL,
	"content" text NOT NULL,
	"name_text" text NOT NULL,
	"signature_text" text NOT NULL,
	"path_text" text NOT NULL,
	"words" text NOT NULL,
	"search_tsv" "tsvector" GENERATED ALWAYS AS (setweight(vlt_tagged_tsvector(vlt_user_tag(user_id), to_tsvector('english', regexp_replace(name_text, '[^[:alnum:]]+', ' ', 'g'))), 'A') || setweight(vlt_tagged_tsvector(vlt_user_tag(user_id), to_tsvector('english', regexp_replace(signature_text, '[^[:alnum:]]+', ' ', 'g'))), 'B') || setweight(vlt_tagged_tsvector(vlt_user_tag(user_id), to_tsvector('english', regexp_replace(path_text, '[^[:alnum:]]+', ' ', 'g'))), 'C') || vlt_tagged_tsvector(vlt_user_tag(user_id), to_tsvector('english', regexp_replace(content || ' ' || words, '[^[:alnum:]]+', ' ', 'g')))) STORED NOT NULL
);
--> statement-breakpoint
CREATE TABLE "code_files" (
	"pk" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "code_files_pk_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" text NOT NULL,
	"project_id" text NOT NULL,
	"path" text NOT NULL,
	"sha256" text NOT NULL,
	"size" integer NOT NULL,
	"language" text NOT NULL,
	"content" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "code_url" text;--> statement-breakpoint
ALTER TABLE "code_chunks" ADD CONSTRAINT "code_chunks_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "code_chunks" ADD CONSTRAINT "code_chunks_file_pk_code_files_pk_fk" FOREIGN KEY ("file_pk") REFERENCES "public"."code_files"("pk") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "code_files" ADD CONSTRAINT "code_files_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "code_chunks_file_seq" ON "code_chunks" USING btree ("file_pk","seq");--> statement-breakpoint
CREATE INDEX "code_chunks_user" ON "code_chunks" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "code_chunks_search_tsv" ON "code_chunks" USING gin ("search_tsv");--> statement-breakpoint
CREATE UNIQUE INDEX "code_files_user_project_path" ON "code_files" USING btree ("user_id","project_id","path");--> statement-breakpoint
CREATE INDEX "code_files_user_project_hash" ON "code_files" USING btree ("user_id","project_id","sha256");