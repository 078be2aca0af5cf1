CREATE TABLE "thread_moves" (
	"pk" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "thread_moves_pk_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"user_id" text NOT NULL,
	"thread_id" text NOT NULL,
	"from_project_id" text NOT NULL,
	"to_project_id" text NOT NULL,
	"moved_at" text DEFAULT (to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) NOT NULL
);
--> statement-breakpoint
ALTER TABLE "thread_moves" ADD CONSTRAINT "thread_moves_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "thread_moves_user_pk" ON "thread_moves" USING btree ("user_id","pk");