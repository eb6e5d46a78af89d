--! keys: scores
--! args: member
-- cell: a double kept in a field is a string: `<` against a number raises
local entry = {}
entry.score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if entry.score and entry.score < 10 then
  return 1
end
return 0
