-- The figures' version: the second row of DataVersion (the first is the plan's, migration
-- 20261125190000_data_version). It moves, in the writer's transaction, with every change to what
-- the figures count: the aggregate (through figures_add), the cases (outcomes, first contact) and
-- who a case is shared with. The partner figures page keeps what it computed for as long as the
-- version stays (services/figures/partner.ts), so it reads one row, not a dozen grouped queries.
--
-- Lock order: a statement writing cases takes this row's lock before any row of its own (BEFORE
-- ... FOR EACH STATEMENT), and figures_add takes it before the aggregate's rows, which it then
-- writes in key order: writers of cases or figures queue here rather than deadlock.
INSERT INTO "DataVersion" ("id", "value") VALUES (2, 0);

CREATE FUNCTION "figures_version_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "DataVersion" SET "value" = "value" + 1 WHERE "id" = 2;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Case_figures_version"
  BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Case"
  FOR EACH STATEMENT EXECUTE FUNCTION "figures_version_bump"();

CREATE TRIGGER "CaseShare_figures_version"
  BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "CaseShare"
  FOR EACH STATEMENT EXECUTE FUNCTION "figures_version_bump"();

CREATE OR REPLACE FUNCTION "figures_add"(m TEXT, src TEXT, strands TEXT[], a TEXT, place TEXT, rep TEXT, delta INTEGER)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "DataVersion" SET "value" = "value" + 1 WHERE "id" = 2;
  INSERT INTO "FigureCount" ("month", "source", "strand", "area", "dimension", "value", "count")
  SELECT m, src, s, a, d.dim, d.val, delta
  FROM (SELECT DISTINCT unnest(ARRAY[''] || strands) AS s) ss,
       (VALUES ('TOTAL', ''), ('PLACE', place), ('REPEAT', rep)) AS d(dim, val)
  WHERE src <> 'POLICE' OR d.dim = 'TOTAL'
  ORDER BY s, d.dim, d.val
  ON CONFLICT ("month", "source", "strand", "area", "dimension", "value")
  DO UPDATE SET "count" = "FigureCount"."count" + EXCLUDED."count";
  DELETE FROM "FigureCount" WHERE "month" = m AND "source" = src AND "count" = 0;
END;
$$;
