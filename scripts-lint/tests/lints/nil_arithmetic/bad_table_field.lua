--! keys: job
-- cell: a field of `HGET` is `false` when the hash has no such field: `..` raises
local job = { state = redis.call('HGET', KEYS[1], 'state') }
return 'state: ' .. job.state
