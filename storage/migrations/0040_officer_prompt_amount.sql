-- The loan amount an officer typed and has still to confirm («… تومان، درست است؟»): kept with the owed
-- answer, so a restart between typing and confirming asks for the confirmation again.
ALTER TABLE officer_prompts ADD COLUMN amount_toman INTEGER;
