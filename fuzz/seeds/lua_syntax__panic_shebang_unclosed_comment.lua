#!lua flags=no-writes
--! keys: user
--[[ Reads a user. A long comment right after the shebang, never closed:
     full_moon's shebang handling used to panic ("current() called past EOF").
return redis.call('GET', KEYS[1])
