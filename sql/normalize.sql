-- us_e164_normalize: what people type -> us_e164, or 22P02 naming the problem.
SET search_path = custom_dialing, public;

SELECT v AS typed, us_e164_normalize(v) AS normalized
FROM (VALUES ('(212) 555-0123'), ('212.555.0123'), ('1-212-555-0123'),
             ('+1 212 555 0123'), ('12125550123'), ('2125550123'),
             ('+12125550123'), ('  212 555 0123  '), ('1 (212) 555-0123'),
             ('+1 (212) 555.0123'), (E'212\t555\t0123'), ('+1-800-555-0199')) AS t(v);

-- the result is a us_e164
SELECT pg_typeof(us_e164_normalize('2125550123'));

-- each problem has its own detail
SELECT us_e164_normalize('');                    -- no digits
SELECT us_e164_normalize('   ');                 -- blanks only
SELECT us_e164_normalize('555-0123');            -- 7 digits
SELECT us_e164_normalize('212-555-012');         -- 9 digits
SELECT us_e164_normalize('22125550123');         -- 11 digits without leading 1
SELECT us_e164_normalize('112125550123');        -- 12 digits
SELECT us_e164_normalize('+44 20 7123 4567');    -- another country code
SELECT us_e164_normalize('+52 55 1234 5678');    -- Mexico
SELECT us_e164_normalize('+1 212 555 01234');    -- +1 with 11 more digits
SELECT us_e164_normalize('+1 212 555 012');      -- +1 with 9 more digits
SELECT us_e164_normalize('212-555-0123 x45');    -- extension
SELECT us_e164_normalize('212-555-0123 ext. 45');
SELECT us_e164_normalize('212-555-0123#45');
SELECT us_e164_normalize('1-800-FLOWERS');       -- vanity number
SELECT us_e164_normalize('２１２-５５５-０１２３'); -- full-width digits
SELECT us_e164_normalize('212/555/0123');        -- other punctuation
SELECT us_e164_normalize('212-555+0123');        -- plus not first
SELECT us_e164_normalize(NULL) AS strict_null;
