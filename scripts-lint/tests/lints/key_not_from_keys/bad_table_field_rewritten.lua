--! keys: queue(prefix)
--! args: id, i:integer
-- Once a table's positional field may have been rewritten (at an unknown index, by
-- `table.sort`), its fields are one value again: a key read back from it may be the id.
local entry = {ARGV[1], KEYS[1] .. ':data'}
entry[tonumber(ARGV[2])] = ARGV[1]
redis.call('HGET', entry[2], ARGV[1])
local pair = {KEYS[1] .. ':a', ARGV[1]}
table.sort(pair)
return redis.call('GET', pair[1])
