CREATE TABLE "entry_revisions" (
	"pk" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "entry_revisions_pk_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" text NOT NULL,
	"entry_pk" integer NOT NULL,
	"revision_id" text NOT NULL,
	"content" text NOT NULL,
	"deleted" integer DEFAULT 0 NOT NULL,
	"at" text NOT NULL,
	"received_at" text DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) NOT NULL
);
--> statement-breakpoint
ALTER TABLE "entries" ADD COLUMN "revision_id" text;--> statement-breakpoint
ALTER TABLE "entries" ADD COLUMN "deleted" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "entry_revisions" ADD CONSTRAINT "entry_revisions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entry_revisions" ADD CONSTRAINT "entry_revisions_entry_pk_entries_pk_fk" FOREIGN KEY ("entry_pk") REFERENCES "public"."entries"("pk") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "entry_revisions_user_revision" ON "entry_revisions" USING btree ("user_id","revision_id");--> statement-breakpoint
CREATE INDEX "entry_revisions_user_pk" ON "entry_revisions" USING btree ("user_id","pk");--> statement-breakpoint
CREATE INDEX "entry_revisions_entry" ON "entry_revisions" USING btree ("entry_pk");