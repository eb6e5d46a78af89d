#!lua name=flags
--! function set_flag: keys: flags(prefix)  args: name, value  returns: integer
--! function get_flag: keys: flags(prefix)  args: name  returns: Option<String>
--! function enable_variant: keys: flags(prefix)  args: variant  returns: integer

-- Feature flags, with a function per variant registered "on demand": the
-- registration inside `enable_variant` is nil when `FCALL` runs it, and
-- `server.call` (Valkey's name) does not exist on Redis.
local function rcall(...)
  return redis.call(...)
end

local function flag_key(prefix, name)
  return prefix .. 'flag:' .. name
end

local function audit(prefix, name, value)
  rcall('XADD', prefix .. 'audit', 'MAXLEN', '~', 1000, '*', 'flag', name, 'value', value)
end

local function expose(name, callback, read_only)
  local flags = {}
  if read_only then
    flags = {'no-writes'}
  end
  redis.register_function{function_name = name, callback = callback, flags = flags}
end

local function set_flag(keys, args)
  local prefix, name, value = keys[1], args[1], args[2]
  if name == '' then
    return redis.error_reply('ERR empty flag name')
  end
  local old = rcall('GET', flag_key(prefix, name))
  if old == value then
    return 0
  end
  rcall('SET', flag_key(prefix, name), value)
  audit(prefix, name, value)
  return 1
end

local function get_flag(keys, args)
  local value = server.call('GET', flag_key(keys[1], args[1]))
  if not value then
    return nil
  end
  return value
end

local function enable_variant(keys, args)
  local variant = args[1]
  local enabled = rcall('SADD', keys[1] .. 'variants', variant)
  if enabled == 0 then
    return 0
  end
  -- registered when first enabled: fails at `FCALL`, the library is not loading
  expose('variant_' .. variant, function(k, a)
    return rcall('GET', flag_key(k[1], variant))
  end, true)
  return 1
end

expose('set_flag', set_flag, false)
expose('get_flag', get_flag, true)
expose('enable_variant', enable_variant, false)
