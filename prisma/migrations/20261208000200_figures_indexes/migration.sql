-- The partner figures page's reads (services/figures/partner.ts): the aggregate by strand and dimension over a
-- range of months, as every countBy asks, and cases by when they were first contacted.

-- CreateIndex
CREATE INDEX "Case_firstContactAt_idx" ON "Case"("firstContactAt");

-- CreateIndex
CREATE INDEX "FigureCount_strand_dimension_month_idx" ON "FigureCount"("strand", "dimension", "month");

