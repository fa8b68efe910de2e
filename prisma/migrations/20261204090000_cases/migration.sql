-- CreateEnum
CREATE TYPE "CaseStatus" AS ENUM ('NEW', 'TRIAGED', 'IN_CONTACT', 'SUPPORTING', 'REFERRED', 'CLOSED');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "caseAccess" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "reportingCentreId" INTEGER;

-- AlterTable
ALTER TABLE "IncidentReport" ADD COLUMN     "enteredById" INTEGER,
ADD COLUMN     "viaCentreId" INTEGER;

-- CreateTable
CREATE TABLE "Case" (
    "id" TEXT NOT NULL,
    "reportId" TEXT NOT NULL,
    "status" "CaseStatus" NOT NULL DEFAULT 'NEW',
    "version" INTEGER NOT NULL DEFAULT 1,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "assessment" TEXT,
    "duplicateOfId" TEXT,
    "strands" TEXT[],
    "riskAnswers" TEXT,
    "riskScore" INTEGER,
    "riskScoredLevel" TEXT,
    "riskLevel" TEXT,
    "riskReason" TEXT,
    "leadAgencyId" INTEGER,
    "caseworkerId" INTEGER,
    "firstContactDue" TIMESTAMP(3),
    "firstContactAt" TIMESTAMP(3),
    "triagedAt" TIMESTAMP(3),
    "consentToShare" BOOLEAN NOT NULL DEFAULT false,
    "closedAt" TIMESTAMP(3),
    "outcome" TEXT,
    "closingSummary" TEXT,
    "personalDataDeletedAt" TIMESTAMP(3),

    CONSTRAINT "Case_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseShare" (
    "caseId" TEXT NOT NULL,
    "agencyId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaseShare_pkey" PRIMARY KEY ("caseId","agencyId")
);

-- CreateTable
CREATE TABLE "CaseEntry" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "authorId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "body" TEXT,
    "contactMethod" TEXT,
    "contactMade" BOOLEAN,
    "supportKind" TEXT,
    "supportAccepted" BOOLEAN,
    "referralTo" TEXT,
    "withDetails" BOOLEAN,
    "crimeReference" TEXT,
    "status" "CaseStatus",

    CONSTRAINT "CaseEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseAction" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "description" TEXT,
    "ownerId" INTEGER,
    "dueOn" TIMESTAMP(3) NOT NULL,
    "doneAt" TIMESTAMP(3),
    "panelMeetingId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaseAction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseReminderSent" (
    "id" SERIAL NOT NULL,
    "userId" INTEGER NOT NULL,
    "caseId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "dueOn" TIMESTAMP(3) NOT NULL,
    "emailMessageId" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CaseReminderSent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PanelMeeting" (
    "id" SERIAL NOT NULL,
    "heldOn" TIMESTAMP(3) NOT NULL,
    "createdById" INTEGER,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PanelMeeting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PanelAttendee" (
    "meetingId" INTEGER NOT NULL,
    "agencyId" INTEGER NOT NULL,

    CONSTRAINT "PanelAttendee_pkey" PRIMARY KEY ("meetingId","agencyId")
);

-- CreateTable
CREATE TABLE "PanelCase" (
    "id" TEXT NOT NULL,
    "meetingId" INTEGER NOT NULL,
    "caseId" TEXT NOT NULL,
    "reasons" TEXT[],
    "showFreeText" BOOLEAN NOT NULL DEFAULT false,
    "decision" TEXT,
    "decidedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PanelCase_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Case_reportId_key" ON "Case"("reportId");

-- CreateIndex
CREATE INDEX "Case_status_riskLevel_idx" ON "Case"("status", "riskLevel");

-- CreateIndex
CREATE INDEX "Case_leadAgencyId_status_idx" ON "Case"("leadAgencyId", "status");

-- CreateIndex
CREATE INDEX "Case_caseworkerId_status_idx" ON "Case"("caseworkerId", "status");

-- CreateIndex
CREATE INDEX "Case_openedAt_idx" ON "Case"("openedAt");

-- CreateIndex
CREATE INDEX "CaseShare_agencyId_idx" ON "CaseShare"("agencyId");

-- CreateIndex
CREATE INDEX "CaseEntry_caseId_createdAt_idx" ON "CaseEntry"("caseId", "createdAt");

-- CreateIndex
CREATE INDEX "CaseAction_caseId_idx" ON "CaseAction"("caseId");

-- CreateIndex
CREATE INDEX "CaseAction_ownerId_doneAt_dueOn_idx" ON "CaseAction"("ownerId", "doneAt", "dueOn");

-- CreateIndex
CREATE INDEX "CaseReminderSent_caseId_idx" ON "CaseReminderSent"("caseId");

-- CreateIndex
CREATE UNIQUE INDEX "CaseReminderSent_userId_kind_subject_dueOn_key" ON "CaseReminderSent"("userId", "kind", "subject", "dueOn");

-- CreateIndex
CREATE INDEX "PanelMeeting_heldOn_idx" ON "PanelMeeting"("heldOn");

-- CreateIndex
CREATE INDEX "PanelCase_caseId_idx" ON "PanelCase"("caseId");

-- CreateIndex
CREATE UNIQUE INDEX "PanelCase_meetingId_caseId_key" ON "PanelCase"("meetingId", "caseId");

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_reportingCentreId_fkey" FOREIGN KEY ("reportingCentreId") REFERENCES "ReportingCentre"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IncidentReport" ADD CONSTRAINT "IncidentReport_viaCentreId_fkey" FOREIGN KEY ("viaCentreId") REFERENCES "ReportingCentre"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IncidentReport" ADD CONSTRAINT "IncidentReport_enteredById_fkey" FOREIGN KEY ("enteredById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "IncidentReport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_duplicateOfId_fkey" FOREIGN KEY ("duplicateOfId") REFERENCES "Case"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_leadAgencyId_fkey" FOREIGN KEY ("leadAgencyId") REFERENCES "Agency"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_caseworkerId_fkey" FOREIGN KEY ("caseworkerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseShare" ADD CONSTRAINT "CaseShare_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseShare" ADD CONSTRAINT "CaseShare_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseEntry" ADD CONSTRAINT "CaseEntry_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseEntry" ADD CONSTRAINT "CaseEntry_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseAction" ADD CONSTRAINT "CaseAction_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseAction" ADD CONSTRAINT "CaseAction_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseAction" ADD CONSTRAINT "CaseAction_panelMeetingId_fkey" FOREIGN KEY ("panelMeetingId") REFERENCES "PanelMeeting"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseReminderSent" ADD CONSTRAINT "CaseReminderSent_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseReminderSent" ADD CONSTRAINT "CaseReminderSent_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CaseReminderSent" ADD CONSTRAINT "CaseReminderSent_emailMessageId_fkey" FOREIGN KEY ("emailMessageId") REFERENCES "EmailMessage"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PanelMeeting" ADD CONSTRAINT "PanelMeeting_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PanelAttendee" ADD CONSTRAINT "PanelAttendee_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "PanelMeeting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PanelAttendee" ADD CONSTRAINT "PanelAttendee_agencyId_fkey" FOREIGN KEY ("agencyId") REFERENCES "Agency"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PanelCase" ADD CONSTRAINT "PanelCase_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "PanelMeeting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PanelCase" ADD CONSTRAINT "PanelCase_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- Every report has a case from the moment it arrives: give the reports already made theirs.
INSERT INTO "Case" ("id", "reportId", "updatedAt", "consentToShare")
SELECT "id", "id", CURRENT_TIMESTAMP, 'POLICE' = ANY("wants") FROM "IncidentReport";
