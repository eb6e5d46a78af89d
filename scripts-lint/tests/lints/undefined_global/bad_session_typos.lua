--! keys: sessions(prefix), audit
--! args: session_id, payload, ttl_s:integer
-- A session store with misspelt globals and library members, in helpers, aliases and
-- conditions. A name one edit from a single name of its library (or of the globals),
-- with no other close, is fixed in place; names Redis lacks (`os.time`), a later Lua's
-- (`table.unpack`), `math.flor` (two from `fmod`) and a member read with brackets
-- (`string['lowr']`) keep their help text.
local prefix = KEYS[1]
local encode = cjson.encode

local function key(name)
  return prefix .. name
end

local function decode_payload(raw)
  local ok, value = pcall(cjson.decod, raw)
  if not ok then
    return nil
  end
  return value
end

local function stamp(entry)
  entry.at = redis.call('TIME')[1]
  entry.when = os.time()
  return entry
end

local function normalise(id)
  local trimmed = string.gsub(id, '^%s+', '')
  return trimmed:uppr()
end

local session = normalise(ARGV[1])
local payload = decode_payload(ARGV[2])
if payload == nil then
  return redis.error_reply('payload is not JSON')
end

local ttl = tonumbr(ARGV[3])
if not ttl or ttl <= 0 then
  return redis.error_reply('bad ttl')
end

local fields = {}
for name, value in pairs(payload) do
  table.insrt(fields, name)
  table.insert(fields, tostring(value))
end

local stored = key('s:') .. session
redis.cal('HSET', stored, unpack(fields))
redis.call('EXPIRE', stored, math.flor(ttl))

local entry = stamp({ session = session, size = #fields / 2 })
redis.call('RPUSH', KEY[2], encode(entry))
local first = table.unpack(fields)
local tail = string['lowr'](first or '')
return string.fromat('%s:%d', session, #tail)
