-- /find by mobile reads only the officer's province, newest first, from the index: a mobile shared by many
-- applications (a family's, or the bench's sample data) then costs one heap fetch per row shown, not per match.
DROP INDEX applications_by_mobile;
CREATE INDEX applications_by_mobile ON applications (mobile, province_code, id);
