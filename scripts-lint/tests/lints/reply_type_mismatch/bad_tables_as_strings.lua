--! keys: job(prefix), queue, log(prefix)
--! args: id, payload
-- A job store that treats status, error and array replies as strings and numbers:
-- each line below raises, or compares a table with a string, every time it runs.
local rcall = redis.call
local job_key = KEYS[1] .. ':' .. ARGV[1]

local function save(key, value)
  return rcall('SET', key, value)
end

local function kind_of(key)
  return rcall('TYPE', key)
end

local function log(line)
  rcall('RPUSH', KEYS[3], line)
end

-- cell: status reply, `..`
local saved = save(job_key, ARGV[2])
log('saved: ' .. saved)

-- cell: status reply, `string.*`
if string.lower(kind_of(KEYS[2])) ~= 'list' then
  return redis.error_reply('WRONGTYPE queue')
end

-- cell: status reply, `tonumber`
local version = tonumber(rcall('PING'))

-- cell: status reply, `#`
if #kind_of(job_key) == 0 then
  return redis.error_reply('NO_JOB')
end

-- cell: status reply, `cjson.decode`
local decoded = cjson.decode(rcall('SET', job_key .. ':meta', ARGV[2]))

-- cell: error reply under `pcall`, `==` with a string literal
local pushed = redis.pcall('LPUSH', KEYS[2], ARGV[1])
if pushed == 'WRONGTYPE' then
  return redis.error_reply('QUEUE_IS_NOT_A_LIST')
end

-- cell: array reply, `==` with a string literal
local waiting = rcall('LRANGE', KEYS[2], 0, -1)
if waiting == ARGV[1] or waiting == '' then
  return 0
end

-- cell: array reply, arithmetic
local next_position = waiting + 1

-- cell: array reply, `<` with a number
if rcall('SMEMBERS', KEYS[3] .. ':workers') < 1 then
  return 0
end

-- cell: array reply, `..` and `tonumber`
log('waiting: ' .. waiting)
local count = tonumber(rcall('HVALS', KEYS[1]))

-- cell: status reply, `==` and `<` with a number, arithmetic
local pong = rcall('PING')
if pong == 1 or pong < 2 then
  version = pong + 1
end

-- cell: array reply, `==` with a number, `string.*` and `cjson.decode`
if waiting == 0 then
  return string.upper(waiting)
end
local parsed = cjson.decode(rcall('LRANGE', KEYS[2], 0, 0))

-- cell: error reply under `pcall` of a command that replies with a status: `..`, `#`
local set = redis.pcall('SET', job_key .. ':state', 'waiting', 'XX')
log('state: ' .. set)
if #redis.pcall('PING') > 0 then
  return 0
end

return {next_position, count, version, decoded, parsed}
