--! keys: user(prefix)
--! args: id, name
-- A status reply read by a name other than `ok`, and methods called on replies
-- that have none: a count, a status table, an array.
local rcall = redis.call
local user_key = KEYS[1] .. ARGV[1]

local function save(key, value)
  return rcall('SET', key, value)
end

-- cell: status reply, indexed by a name other than `ok` (always nil)
local saved = save(user_key, ARGV[2])
local text = saved.status

-- cell: status reply, a method called on it (raises)
local kind = save(user_key .. ':copy', ARGV[2]):lower()

-- cell: integer reply, a method called on it (raises)
local visits = rcall('INCR', user_key .. ':visits')
local digits = visits:len()

-- cell: array reply, a method called on it (raises)
local tags = rcall('SMEMBERS', user_key .. ':tags')
local first = tags:sub(1, 3)

return cjson.encode({ text = text, kind = kind, digits = digits, first = first })
