-- CreateTable
CREATE TABLE "DataVersion" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "value" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "DataVersion_pkey" PRIMARY KEY ("id")
);


-- The one row, and the triggers that move it. Every statement that writes to a table behind the
-- plan's read models (src/services/plans.ts) bumps the value, in the writer's transaction, so
-- readers see the new value exactly when they can see the change. The trigger runs BEFORE the
-- statement: a writing transaction takes this row's lock before any row lock of its own, so
-- writers queue here rather than deadlock. Sessions and the audit trail are left out: they
-- change on every request or with every change anyway.
INSERT INTO "DataVersion" ("id", "value") VALUES (1, 0);

CREATE FUNCTION "data_version_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "DataVersion" SET "value" = "value" + 1 WHERE "id" = 1;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Agency_data_version"
  BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Agency"
  FOR EACH STATEMENT EXECUTE FUNCTION "data_version_bump"();

CREATE TRIGGER "User_data_version"
  BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "User"
  FOR EACH STATEMENT EXECUTE FUNCTION "data_version_bump"();

CREATE TRIGGER "Plan_data_version"
  BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Plan"
  FOR EACH STATEMENT EXECUTE FUNCTION "data_version_bump"();

CREATE TRIGGER "Purpose_data_version"
  BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Purpose"
  FOR EACH STATEMENT EXECUTE FUNCTION "data_version_bump"();

CREATE TRIGGER "Achievement_data_version"
  BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Achievement"
  FOR EACH STATEMENT EXECUTE FUNCTION "data_version_bump"();

CREATE TRIGGER "PlanQuarter_data_version"
  BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "PlanQuarter"
  FOR EACH STATEMENT EXECUTE FUNCTION "data_version_bump"();

CREATE TRIGGER "Objective_data_version"
  BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Objective"
  FOR EACH STATEMENT EXECUTE FUNCTION "data_version_bump"();

CREATE TRIGGER "Commitment_data_version"
  BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Commitment"
  FOR EACH STATEMENT EXECUTE FUNCTION "data_version_bump"();

CREATE TRIGGER "CommitmentLead_data_version"
  BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "CommitmentLead"
  FOR EACH STATEMENT EXECUTE FUNCTION "data_version_bump"();

CREATE TRIGGER "Risk_data_version"
  BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Risk"
  FOR EACH STATEMENT EXECUTE FUNCTION "data_version_bump"();

CREATE TRIGGER "Review_data_version"
  BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Review"
  FOR EACH STATEMENT EXECUTE FUNCTION "data_version_bump"();

CREATE TRIGGER "ReviewVersion_data_version"
  BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ReviewVersion"
  FOR EACH STATEMENT EXECUTE FUNCTION "data_version_bump"();
