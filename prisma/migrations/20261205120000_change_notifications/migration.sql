-- Tells every instance of the portal that data its public pages show has changed, however it was
-- changed (by any instance, or by hand in SQL), so each drops the pages it keeps
-- (src/db/change-listener.ts). Postgres delivers a notification when its transaction commits,
-- never on rollback, and only once per table however many statements the transaction ran. The
-- payload is the table's name, nothing from the rows. Accounts are left out: no public page
-- shows them, and every sign-in writes to them.
CREATE FUNCTION "notify_data_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('rhins_data_changed', TG_TABLE_NAME);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Agency_data_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Agency"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_data_changed"();

CREATE TRIGGER "Plan_data_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Plan"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_data_changed"();

CREATE TRIGGER "Purpose_data_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Purpose"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_data_changed"();

CREATE TRIGGER "Achievement_data_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Achievement"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_data_changed"();

CREATE TRIGGER "PlanQuarter_data_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "PlanQuarter"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_data_changed"();

CREATE TRIGGER "Objective_data_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Objective"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_data_changed"();

CREATE TRIGGER "Commitment_data_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Commitment"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_data_changed"();

CREATE TRIGGER "CommitmentLead_data_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "CommitmentLead"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_data_changed"();

CREATE TRIGGER "CommitmentContact_data_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "CommitmentContact"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_data_changed"();

CREATE TRIGGER "Risk_data_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Risk"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_data_changed"();

CREATE TRIGGER "Review_data_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Review"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_data_changed"();

CREATE TRIGGER "ReviewVersion_data_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ReviewVersion"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_data_changed"();

CREATE TRIGGER "ReviewRequest_data_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ReviewRequest"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_data_changed"();

CREATE TRIGGER "ReviewSummary_data_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ReviewSummary"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_data_changed"();

CREATE TRIGGER "ReportingCentre_data_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ReportingCentre"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_data_changed"();

CREATE TRIGGER "SupportService_data_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "SupportService"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_data_changed"();
