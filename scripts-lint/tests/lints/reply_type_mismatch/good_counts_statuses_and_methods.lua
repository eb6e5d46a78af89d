--! keys: session(prefix), audit
--! args: id, name, ttl:i64
-- A session store written the right way round: counts compared before `and`,
-- status replies read through `.ok`, `pcall` replies tested with `.err`, and
-- string methods called only on strings (guarded, defaulted or built).
local rcall = redis.call
local session_key = KEYS[1] .. ARGV[1]
local audit_key = KEYS[2]

local function exists(key)
  return rcall('EXISTS', key) == 1
end

local function normalise(name)
  -- a string built from the argument: it has methods
  local trimmed = (name or ''):gsub('^%s+', '')
  return trimmed:lower()
end

local function label(key)
  local current = rcall('GET', key)
  if current then
    return current:upper()
  end
  return 'NONE'
end

if ARGV[2] == '' then
  return redis.error_reply('EMPTY_NAME')
end

-- a count compared before `and`/`or`
local live = rcall('EXISTS', session_key)
local flag = live == 1 and 1 or 0
local fresh = rcall('SISMEMBER', audit_key, ARGV[1]) > 0 and 'seen' or 'new'
local known = exists(session_key) and 'known' or 'unknown'
local visits = rcall('INCR', session_key .. ':visits') or 0

-- a status reply read through `.ok`, and its text used as a string
local saved = rcall('SET', session_key .. ':name', normalise(ARGV[2]))
local saved_text = saved.ok:lower()

-- a `pcall` reply tested with `.err`, as the docs say
local renamed = redis.pcall('RENAME', session_key .. ':tmp', session_key .. ':old')
if type(renamed) == 'table' and renamed.err then
  rcall('RPUSH', audit_key, 'rename failed: ' .. renamed.err:lower())
end

-- methods on replies that may be `false`: guarded or defaulted first
local owner = rcall('HGET', session_key, 'owner')
local owner_upper = ''
if owner then
  owner_upper = owner:upper()
end
local region = (rcall('HGET', session_key, 'region') or 'eu'):sub(1, 2)
local tag = rcall('GET', session_key .. ':tag')
if not tag then
  tag = 'plain'
end
local short_tag = tag:sub(1, 3)

-- a method on a string built from a reply
local digits = tostring(visits):len()
local described = ('v' .. visits):rep(2)

rcall('EXPIRE', session_key, ARGV[3])
return {flag, fresh, known, visits, saved_text, owner_upper, region, short_tag, digits, described, label(session_key .. ':label')}
