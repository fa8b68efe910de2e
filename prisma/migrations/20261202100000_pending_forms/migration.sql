-- CreateTable
CREATE TABLE "PendingForm" (
    "id" SERIAL NOT NULL,
    "browserKey" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PendingForm_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PendingForm_browserKey_idx" ON "PendingForm"("browserKey");

-- CreateIndex
CREATE INDEX "PendingForm_expiresAt_idx" ON "PendingForm"("expiresAt");

