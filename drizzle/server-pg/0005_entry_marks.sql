CREATE TABLE "entry_marks" (
	"pk" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "entry_marks_pk_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" text NOT NULL,
	"entry_pk" integer NOT NULL,
	"tag" text,
	"target_project_id" text,
	"target_thread_id" text,
	"note" text,
	"changed_at" text DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) NOT NULL
);
--> statement-breakpoint
ALTER TABLE "entry_marks" ADD CONSTRAINT "entry_marks_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entry_marks" ADD CONSTRAINT "entry_marks_entry_pk_entries_pk_fk" FOREIGN KEY ("entry_pk") REFERENCES "public"."entries"("pk") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "entry_marks_entry_tag" ON "entry_marks" USING btree ("entry_pk","tag");--> statement-breakpoint
CREATE UNIQUE INDEX "entry_marks_entry_link" ON "entry_marks" USING btree ("entry_pk","target_project_id","target_thread_id");--> statement-breakpoint
CREATE INDEX "entry_marks_user_pk" ON "entry_marks" USING btree ("user_id","pk");--> statement-breakpoint
CREATE INDEX "entry_marks_user_tag" ON "entry_marks" USING btree ("user_id","tag");