-- Emails and reminders (issue 12): every email the portal sends is recorded (EmailMessage); a
-- ReminderSent row, unique per account, plan, quarter, kind and week, is inserted before a
-- reminder is queued so it is sent once; and each account can turn reminder emails off.

-- CreateEnum
CREATE TYPE "EmailStatus" AS ENUM ('QUEUED', 'SENDING', 'SENT', 'FAILED', 'LOGGED');

-- CreateEnum
CREATE TYPE "ReminderKind" AS ENUM ('REPORTING_OPEN', 'BEFORE_DEADLINE', 'DEADLINE_DAY', 'OVERDUE_SUMMARY');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "reminderEmails" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "EmailMessage" (
    "id" SERIAL NOT NULL,
    "to" TEXT NOT NULL,
    "userId" INTEGER,
    "template" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "params" TEXT,
    "status" "EmailStatus" NOT NULL DEFAULT 'QUEUED',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "EmailMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReminderSent" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER NOT NULL,
    "planId" INTEGER NOT NULL,
    "quarter" INTEGER NOT NULL,
    "kind" "ReminderKind" NOT NULL,
    "period" INTEGER NOT NULL DEFAULT 0,
    "emailMessageId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReminderSent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "EmailMessage_createdAt_idx" ON "EmailMessage"("createdAt");

-- CreateIndex
CREATE INDEX "EmailMessage_status_idx" ON "EmailMessage"("status");

-- CreateIndex
CREATE UNIQUE INDEX "ReminderSent_emailMessageId_key" ON "ReminderSent"("emailMessageId");

-- CreateIndex
CREATE INDEX "ReminderSent_planId_idx" ON "ReminderSent"("planId");

-- CreateIndex
CREATE UNIQUE INDEX "ReminderSent_userId_planId_quarter_kind_period_key" ON "ReminderSent"("userId", "planId", "quarter", "kind", "period");

-- AddForeignKey
ALTER TABLE "EmailMessage" ADD CONSTRAINT "EmailMessage_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReminderSent" ADD CONSTRAINT "ReminderSent_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReminderSent" ADD CONSTRAINT "ReminderSent_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReminderSent" ADD CONSTRAINT "ReminderSent_emailMessageId_fkey" FOREIGN KEY ("emailMessageId") REFERENCES "EmailMessage"("id") ON DELETE SET NULL ON UPDATE CASCADE;

