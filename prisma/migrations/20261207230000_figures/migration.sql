-- CreateTable
CREATE TABLE "PoliceFigure" (
    "month" TEXT NOT NULL,
    "strand" TEXT NOT NULL,
    "area" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "importId" INTEGER NOT NULL,

    CONSTRAINT "PoliceFigure_pkey" PRIMARY KEY ("month","strand","area")
);

-- CreateTable
CREATE TABLE "PoliceImport" (
    "id" SERIAL NOT NULL,
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "importedById" INTEGER,
    "fileName" TEXT NOT NULL,
    "fromMonth" TEXT NOT NULL,
    "toMonth" TEXT NOT NULL,
    "rowCount" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,

    CONSTRAINT "PoliceImport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FigureCount" (
    "month" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "strand" TEXT NOT NULL,
    "area" TEXT NOT NULL,
    "dimension" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "FigureCount_pkey" PRIMARY KEY ("month","source","strand","area","dimension","value")
);

-- CreateTable
CREATE TABLE "Measure" (
    "id" SERIAL NOT NULL,
    "commitmentId" INTEGER,
    "riskId" INTEGER,
    "name" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "target" DOUBLE PRECISION,
    "direction" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Measure_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MeasureValue" (
    "measureId" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
    "quarter" INTEGER NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "enteredById" INTEGER,
    "enteredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MeasureValue_pkey" PRIMARY KEY ("measureId","year","quarter")
);

-- CreateTable
CREATE TABLE "FiguresPublication" (
    "id" SERIAL NOT NULL,
    "year" INTEGER NOT NULL,
    "quarter" INTEGER NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedById" INTEGER,
    "tables" JSONB NOT NULL,

    CONSTRAINT "FiguresPublication_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PoliceFigure_importId_idx" ON "PoliceFigure"("importId");

-- CreateIndex
CREATE INDEX "Measure_commitmentId_idx" ON "Measure"("commitmentId");

-- CreateIndex
CREATE INDEX "Measure_riskId_idx" ON "Measure"("riskId");

-- CreateIndex
CREATE UNIQUE INDEX "FiguresPublication_year_quarter_key" ON "FiguresPublication"("year", "quarter");

-- CreateIndex
CREATE INDEX "Case_closedAt_idx" ON "Case"("closedAt");

-- AddForeignKey
ALTER TABLE "PoliceFigure" ADD CONSTRAINT "PoliceFigure_importId_fkey" FOREIGN KEY ("importId") REFERENCES "PoliceImport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Measure" ADD CONSTRAINT "Measure_commitmentId_fkey" FOREIGN KEY ("commitmentId") REFERENCES "Commitment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Measure" ADD CONSTRAINT "Measure_riskId_fkey" FOREIGN KEY ("riskId") REFERENCES "Risk"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MeasureValue" ADD CONSTRAINT "MeasureValue_measureId_fkey" FOREIGN KEY ("measureId") REFERENCES "Measure"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The figures' aggregate (FigureCount) follows every change to the reports, their cases' assessment
-- and the police figures, however it is made, so the figures pages never count the reports
-- themselves. A report counts once with strand "" and once for each of its strands; one its case
-- assessed as not hate-related, or as a duplicate of another case, does not count.
CREATE FUNCTION "figures_add"(m TEXT, src TEXT, strands TEXT[], a TEXT, place TEXT, rep TEXT, delta INTEGER)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "FigureCount" ("month", "source", "strand", "area", "dimension", "value", "count")
  SELECT m, src, s, a, d.dim, d.val, delta
  FROM (SELECT DISTINCT unnest(ARRAY[''] || strands) AS s) ss,
       (VALUES ('TOTAL', ''), ('PLACE', place), ('REPEAT', rep)) AS d(dim, val)
  WHERE src <> 'POLICE' OR d.dim = 'TOTAL'
  ON CONFLICT ("month", "source", "strand", "area", "dimension", "value")
  DO UPDATE SET "count" = "FigureCount"."count" + EXCLUDED."count";
  DELETE FROM "FigureCount" WHERE "month" = m AND "source" = src AND "count" = 0;
END;
$$;

CREATE FUNCTION "figures_report_month"(received TIMESTAMP) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char((received AT TIME ZONE 'UTC') AT TIME ZONE 'Europe/London', 'YYYY-MM')
$$;

CREATE FUNCTION "figures_report"(r "IncidentReport", delta INTEGER) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM "Case" c WHERE c."reportId" = r."id"
             AND c."assessment" IN ('NOT_HATE_RELATED', 'DUPLICATE')) THEN
    RETURN;
  END IF;
  PERFORM "figures_add"("figures_report_month"(r."receivedAt"),
    CASE WHEN r."viaCentreId" IS NULL THEN 'ONLINE' ELSE 'CENTRE' END,
    r."strands", coalesce(r."area", ''), coalesce(r."placeType", ''), coalesce(r."happenedBefore", ''), delta);
END;
$$;

CREATE FUNCTION "figures_report_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM "figures_report"(OLD, -1); END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN PERFORM "figures_report"(NEW, 1); END IF;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "IncidentReport_figures_added"
  AFTER INSERT ON "IncidentReport" FOR EACH ROW EXECUTE FUNCTION "figures_report_changed"();
CREATE TRIGGER "IncidentReport_figures_changed"
  AFTER UPDATE OF "receivedAt", "viaCentreId", "strands", "area", "placeType", "happenedBefore" ON "IncidentReport"
  FOR EACH ROW EXECUTE FUNCTION "figures_report_changed"();
-- Before the delete, while the report's case (deleted with it) still says whether it counted.
CREATE TRIGGER "IncidentReport_figures_deleted"
  BEFORE DELETE ON "IncidentReport" FOR EACH ROW EXECUTE FUNCTION "figures_report_changed"();

CREATE FUNCTION "figures_case_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was_out BOOLEAN := TG_OP <> 'INSERT' AND coalesce(OLD."assessment" IN ('NOT_HATE_RELATED', 'DUPLICATE'), false);
  is_out BOOLEAN := TG_OP <> 'DELETE' AND coalesce(NEW."assessment" IN ('NOT_HATE_RELATED', 'DUPLICATE'), false);
  r "IncidentReport";
BEGIN
  IF was_out = is_out THEN RETURN NULL; END IF;
  SELECT * INTO r FROM "IncidentReport" WHERE "id" = coalesce(NEW."reportId", OLD."reportId");
  IF NOT FOUND THEN RETURN NULL; END IF;
  -- figures_report reads the case as it is now: counted when no longer out, and the reverse.
  IF is_out THEN
    PERFORM "figures_add"("figures_report_month"(r."receivedAt"),
      CASE WHEN r."viaCentreId" IS NULL THEN 'ONLINE' ELSE 'CENTRE' END,
      r."strands", coalesce(r."area", ''), coalesce(r."placeType", ''), coalesce(r."happenedBefore", ''), -1);
  ELSE
    PERFORM "figures_report"(r, 1);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Case_figures_changed"
  AFTER INSERT OR DELETE OR UPDATE OF "assessment" ON "Case"
  FOR EACH ROW EXECUTE FUNCTION "figures_case_changed"();

CREATE FUNCTION "figures_police_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM "figures_add"(OLD."month", 'POLICE', ARRAY[OLD."strand"], OLD."area", '', '', -OLD."count");
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM "figures_add"(NEW."month", 'POLICE', ARRAY[NEW."strand"], NEW."area", '', '', NEW."count");
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "PoliceFigure_figures_changed"
  AFTER INSERT OR DELETE OR UPDATE ON "PoliceFigure"
  FOR EACH ROW EXECUTE FUNCTION "figures_police_changed"();

-- The reports already made.
INSERT INTO "FigureCount" ("month", "source", "strand", "area", "dimension", "value", "count")
SELECT "figures_report_month"(r."receivedAt"), CASE WHEN r."viaCentreId" IS NULL THEN 'ONLINE' ELSE 'CENTRE' END,
       s.s, coalesce(r."area", ''), d.dim, d.val, count(*)::INTEGER
FROM "IncidentReport" r
CROSS JOIN LATERAL (SELECT DISTINCT unnest(ARRAY[''] || r."strands") AS s) s
CROSS JOIN LATERAL (VALUES ('TOTAL', ''), ('PLACE', coalesce(r."placeType", '')), ('REPEAT', coalesce(r."happenedBefore", ''))) AS d(dim, val)
WHERE NOT EXISTS (SELECT 1 FROM "Case" c WHERE c."reportId" = r."id" AND c."assessment" IN ('NOT_HATE_RELATED', 'DUPLICATE'))
GROUP BY 1, 2, 3, 4, 5, 6;

-- The public figures page is cached like every public page (20261205120000_change_notifications).
CREATE TRIGGER "FiguresPublication_data_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "FiguresPublication"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_data_changed"();
