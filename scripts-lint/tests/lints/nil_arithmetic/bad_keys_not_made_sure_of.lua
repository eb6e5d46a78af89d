--! keys: queue(prefix), counter
--! args: job_id, token, ttl_ms:integer
-- Where a key is not surely there when it is read, the missing reply is reported:
-- after `SET ... XX`, after a `DEL`, after `redis.pcall` (an error does not stop the
-- script), when only one branch wrote it, when a different key was written, when a
-- function the analysis cannot see ran in between, after an absolute expiry, after
-- `SELECT`, in a loop that deletes it, after a `DEL` of a key that may be the same,
-- on the right of `and`, with spread options, under Lua's `pcall`, after a helper
-- changed the local holding the key, and after `KEYS` changed.
local rcall = redis.call

local function key(part, id)
  return KEYS[1] .. part .. ':' .. id
end

-- `XX` sets only a key that exists
rcall('SET', KEYS[2], ARGV[2], 'XX')
local a = tonumber(rcall('GET', KEYS[2])) + 1

-- written, then deleted
rcall('SET', KEYS[2], ARGV[2])
rcall('DEL', KEYS[2])
local b = tonumber(rcall('GET', KEYS[2])) + 1

-- `redis.pcall` may have failed (a key of another type), and the script goes on
redis.pcall('INCR', KEYS[2])
local c = tonumber(rcall('GET', KEYS[2])) + 1

-- one branch only
if ARGV[3] == '0' then
  rcall('SET', KEYS[2], '1', 'NX')
end
local d = tonumber(rcall('GET', KEYS[2])) + 1

-- another key: `job:<id>` is not `job:<token>`
rcall('SET', key('job', ARGV[1]), '1', 'NX')
local e = tonumber(rcall('GET', key('job', ARGV[2]))) + 1

-- a function whose body the analysis cannot see may delete anything
local hooks = cjson.decode(ARGV[2])
rcall('SET', KEYS[2], '1', 'NX')
hooks.before_read()
local f = tonumber(rcall('GET', KEYS[2])) + 1

-- an absolute expiry may be in the past, which deletes the key at once
rcall('SET', KEYS[2], '1', 'PXAT', ARGV[3])
local g = tonumber(rcall('GET', KEYS[2])) + 1

-- `SELECT` turns to another database, where the key may not be
rcall('SET', KEYS[2], '1', 'NX')
rcall('SELECT', 1)
local h = tonumber(rcall('GET', KEYS[2])) + 1

-- a loop that deletes the key after reading it: the next pass reads a missing key
rcall('SET', KEYS[2], '1', 'NX')
local sum = 0
for i = 1, 3 do
  sum = sum + tonumber(rcall('GET', KEYS[2])) + i
  rcall('DEL', KEYS[2])
end

-- `KEYS[1]` and `KEYS[2]` may be one key: deleting one may delete the other
rcall('SET', KEYS[2], '1', 'NX')
rcall('DEL', KEYS[1])
local i = tonumber(rcall('GET', KEYS[2])) + 1

-- the right side of `and` may not run
local _ = ARGV[1] == '1' and rcall('SET', KEYS[2], '1')
local j = tonumber(rcall('GET', KEYS[2])) + 1

-- options spread from `ARGV` may hold `XX`
rcall('SET', KEYS[2], unpack(ARGV))
local k = tonumber(rcall('GET', KEYS[2])) + 1

-- Lua's `pcall` catches the error of a failed `INCRBY`
pcall(rcall, 'INCRBY', KEYS[2], ARGV[1])
local l = tonumber(rcall('GET', KEYS[2])) + 1

-- a helper points a local at another key
local target = KEYS[2]
local function retarget()
  target = KEYS[1]
end
rcall('SET', KEYS[2], '1', 'NX')
retarget()
local n = tonumber(rcall('GET', target)) + 1

-- `KEYS[2]` changed: it no longer names the key written
rcall('SET', KEYS[2], '1', 'NX')
KEYS[2] = ARGV[1]
local m = tonumber(rcall('GET', KEYS[2])) + 1

return a + b + c + d + e + f + g + h + i + j + k + l + m + n + sum
