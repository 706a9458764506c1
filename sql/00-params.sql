-- 00-params.sql: the artifacts' parameters, as the TEMP table artifact_params.
--
-- One row per parameter of the seed artifacts that changes results. A view
-- reads the current `value`; a user changes one with
--   UPDATE artifact_params SET value = 'chrome' WHERE name = 'ProcessNameRegex';
-- and resets it with
--   UPDATE artifact_params SET value = default_value WHERE name = 'ProcessNameRegex';
-- The trigger artifact_params_validate refuses a value outside `choices`, a
-- regex that does not compile, a *Map that is not a Choice,Regex CSV of valid
-- regexes, and a kMapOfState that is not a JSON object; the statement fails
-- with a message naming the parameter and the old value stays.
--
-- type:  regex    a VQL regex (matched case-insensitively, unanchored)
--        choices  one of the JSON array in `choices`
--        hidden   a CSV map Choice,Regex that turns a choice into a regex
--        json     a JSON object (kMapOfState: neighbor state number to name)
--
-- Installed on every load: the table and its rows are kept if they already
-- exist (a second load keeps the values a user set), the triggers are
-- replaced.
CREATE TEMP TABLE IF NOT EXISTS artifact_params (
  artifact TEXT NOT NULL,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  default_value TEXT NOT NULL,
  value TEXT,
  description TEXT NOT NULL,
  choices TEXT,
  PRIMARY KEY (artifact, name)
);

DROP TRIGGER IF EXISTS temp.artifact_params_validate;
DROP TRIGGER IF EXISTS temp.artifact_params_fixed_columns;
DROP TRIGGER IF EXISTS temp.artifact_params_no_delete;

-- Columns: artifact, name, type, default value, description, choices.
INSERT OR IGNORE INTO artifact_params
  (artifact, name, type, default_value, value, description, choices)
SELECT column1, column2, column3, column4, column4, column5, column6 FROM (VALUES
  ('Windows.Network.ArpCache', 'kMapOfState', 'json',
    '{
 "0": "Unreachable",
 "1": "Incomplete",
 "2": "Probe",
 "3": "Delay",
 "4": "Stale",
 "5": "Reachable",
 "6": "Permanent",
 "7": "TBD"
}',
    'neighbor state number (NL_NEIGHBOR_STATE) to the name shown in State',
    NULL),
  ('Windows.Network.NetstatEnriched', 'IPRegex', 'regex', '.*',
    'regex search over IP address fields.', NULL),
  ('Windows.Network.NetstatEnriched', 'PortRegex', 'regex', '.*',
    'regex search over port fields.', NULL),
  ('Windows.Network.NetstatEnriched', 'Family', 'choices', 'ALL',
    'IP version family selection', '["ALL","IPv4","IPv6"]'),
  ('Windows.Network.NetstatEnriched', 'FamilyMap', 'hidden',
    'Choice,Regex
ALL,".*"
IPv4,"^IPv4$"
IPv6,"^IPv6$"
', 'the regex that each Family choice selects', NULL),
  ('Windows.Network.NetstatEnriched', 'Type', 'choices', 'ALL',
    'Transport protocol type selection', '["ALL","TCP","UDP"]'),
  ('Windows.Network.NetstatEnriched', 'TypeMap', 'hidden',
    'Choice,Regex
ALL,".*"
TCP,"^TCP$"
UDP,"^UDP$"
', 'the regex that each Type choice selects', NULL),
  ('Windows.Network.NetstatEnriched', 'Status', 'choices', 'ALL',
    'TCP status selection', '["ALL","ESTABLISHED","LISTENING","OTHER"]'),
  ('Windows.Network.NetstatEnriched', 'StatusMap', 'hidden',
    'Choice,Regex
ALL,".*"
ESTABLISHED,"^ESTAB$"
LISTENING,"^LISTEN$"
OTHER,"CLOS|SENT|RCVD|LAST|WAIT|DELETE"
', 'the regex that each Status choice selects', NULL),
  ('Windows.Network.NetstatEnriched', 'ProcessNameRegex', 'regex', '.*',
    'regex search over source process name', NULL),
  ('Windows.Network.NetstatEnriched', 'ProcessPathRegex', 'regex', '.*',
    'regex search over source process path', NULL),
  ('Windows.Network.NetstatEnriched', 'CommandLineRegex', 'regex', '.*',
    'regex search over source process commandline', NULL),
  ('Windows.Network.NetstatEnriched', 'HashRegex', 'regex', '.*',
    'regex search over source process hash', NULL),
  ('Windows.Network.NetstatEnriched', 'UsernameRegex', 'regex', '.*',
    'regex search over source process user context', NULL),
  ('Windows.Network.NetstatEnriched', 'AuthenticodeSubjectRegex', 'regex', '.*',
    'regex search over source Authenticode Subject', NULL),
  ('Windows.Network.NetstatEnriched', 'AuthenticodeIssuerRegex', 'regex', '.*',
    'regex search over source Authenticode Issuer', NULL),
  ('Windows.Network.NetstatEnriched', 'AuthenticodeVerified', 'choices', 'ALL',
    'Authenticode signiture selection', '["ALL","TRUSTED","UNSIGNED","NOT TRUSTED"]'),
  ('Windows.Network.NetstatEnriched', 'AuthenticodeVerifiedMap', 'hidden',
    'Choice,Regex
ALL,".*"
TRUSTED,"^trusted$"
UNSIGNED,"^unsigned$"
NOT TRUSTED,"unsigned|disallowed|untrusted|error"
', 'the regex that each AuthenticodeVerified choice selects', NULL));

-- The check runs in C (ext/artifacts.c) because RAISE() only takes a constant
-- message; it fails the UPDATE with a message naming the parameter.
CREATE TEMP TRIGGER artifact_params_validate
BEFORE UPDATE OF value ON artifact_params
BEGIN
  SELECT vqlite_artifact_param_check(NEW.name, NEW.type, NEW.value, NEW.choices);
END;

CREATE TEMP TRIGGER artifact_params_fixed_columns
BEFORE UPDATE ON artifact_params
WHEN OLD.artifact IS NOT NEW.artifact OR OLD.name IS NOT NEW.name OR OLD.type IS NOT NEW.type
  OR OLD.default_value IS NOT NEW.default_value OR OLD.description IS NOT NEW.description
  OR OLD.choices IS NOT NEW.choices
BEGIN
  SELECT RAISE(ABORT, 'artifact_params: only the value column can be changed');
END;

CREATE TEMP TRIGGER artifact_params_no_delete
BEFORE DELETE ON artifact_params
BEGIN
  SELECT RAISE(ABORT, 'artifact_params: a parameter cannot be deleted; reset it with UPDATE artifact_params SET value = default_value WHERE name = ''...''');
END;
