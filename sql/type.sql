-- us_e164: the domain, its check, and us_e164_is_valid / us_e164_area_code.
SET search_path = custom_dialing, public;

-- valid values, including the public API's own examples
SELECT '+12125550123'::us_e164 AS nyc,
       '+15551234567'::us_e164 AS api_example_1,
       '+19876543210'::us_e164 AS api_example_2,
       '+10000000000'::us_e164 AS all_zeros_is_e164_shaped;

-- every invalid shape raises 22P02 quoting the value and stating the rule
\set VERBOSITY default
SELECT '+1212555012'::us_e164;       -- 11 characters
SELECT '+121255501234'::us_e164;     -- 13 characters
SELECT ''::us_e164;                  -- empty
SELECT '12125550123 '::us_e164;      -- no plus, 12 characters
SELECT ' +1212555012'::us_e164;      -- leading blank
SELECT '+1212555012 '::us_e164;      -- trailing blank
SELECT '+1 2125550123'::us_e164;     -- inner space
SELECT '+1212555O123'::us_e164;      -- letter O for zero
SELECT '+442071234567'::us_e164;     -- another country code, 13 characters
SELECT '+44207123456'::us_e164;      -- another country code, 12 characters
SELECT '+1２１２5550123'::us_e164;    -- full-width digits
SELECT '+1٢١٢5550123'::us_e164;      -- Arabic-Indic digits
SELECT '+1212555012' || chr(9) AS tab_value, ('+1212555012' || chr(9))::us_e164;
SELECT repeat('9', 100)::us_e164;    -- long values are quoted cut short

-- the SQLSTATE is 22P02
DO $$
BEGIN
  PERFORM '+1212'::custom_dialing.us_e164;
EXCEPTION WHEN invalid_text_representation THEN
  RAISE NOTICE 'caught %', SQLSTATE;
END $$;

-- NULL is a valid value of the domain (no value), as for any domain
SELECT NULL::us_e164 IS NULL AS null_passes;

-- in a table: bad rows are refused whole, nothing half-written
CREATE TABLE contacts (id int PRIMARY KEY, phone us_e164 NOT NULL);
INSERT INTO contacts VALUES (1, '+12125550123');
INSERT INTO contacts VALUES (2, '+13105550123'), (3, '310-555-0123');
SELECT * FROM contacts ORDER BY id;
UPDATE contacts SET phone = '+1 212 555 0123' WHERE id = 1;
SELECT * FROM contacts ORDER BY id;
CREATE TABLE contact_lists (id int, phones us_e164[]);
INSERT INTO contact_lists VALUES (1, '{+12125550123,+13105550123}');
INSERT INTO contact_lists VALUES (2, '{+12125550123,2125550123}');
SELECT * FROM contact_lists;
DROP TABLE contacts, contact_lists;

-- us_e164_is_valid never raises
SELECT v, us_e164_is_valid(v)
FROM (VALUES ('+12125550123'), ('+1212555012'), ('+121255501234'), (''),
             (' +12125550123'), ('+12125550123 '), ('+1 2125550123'),
             ('12125550123'), ('+22125550123'), ('+1２１２5550123'),
             ('+1212555012x'), ('++12125550123')) AS t(v);
SELECT us_e164_is_valid(NULL) AS strict_null;

-- us_e164_area_code
SELECT us_e164_area_code('+12125550123'), us_e164_area_code('+19075550100'),
       us_e164_area_code('+18005550100');
SELECT us_e164_area_code(NULL) AS strict_null;
SELECT us_e164_area_code('+1212');

-- volatility and parallel markings are part of the contract
SELECT p.proname, p.provolatile, p.proparallel, p.proisstrict
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'custom_dialing' AND p.proname LIKE 'us_e164%'
ORDER BY p.proname;
