-- The address blocks a hospital site declares: CIDRs separated by commas,
-- empty when none. A device seen only on the network takes the site whose
-- block holds its address.

ALTER TABLE sites ADD COLUMN blocks TEXT NOT NULL DEFAULT '';
