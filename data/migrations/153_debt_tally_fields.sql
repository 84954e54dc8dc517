-- What the Damrongdhama centres publish in their daily tallies and the case rows lacked: how a
-- debtor registered (online or on site), how many creditors the debtor named, and the day a
-- creditor was prosecuted (a police case against an illegal lender). NULL = not recorded.
ALTER TABLE debt_cases ADD COLUMN channel VARCHAR;
ALTER TABLE debt_cases ADD COLUMN creditors INTEGER;
ALTER TABLE debt_cases ADD COLUMN prosecuted_on DATE;
