--! keys: pending, active, jobs
--! args: worker, now, lease_ms, max_active
-- Claims the next job for a worker, with server codes for its own failures: a
-- client would take them for the server refusing the call, and run it again.
local pending = KEYS[1]
local active = KEYS[2]
local jobs = KEYS[3]
local worker = ARGV[1]
local now = tonumber(ARGV[2])
local lease_ms = tonumber(ARGV[3])
local max_active = tonumber(ARGV[4])

-- every failure is an error reply with a code of the application
local function fail(code, message)
    return redis.error_reply(code .. ' ' .. message)
end

local function lease_of(job)
    local until_ms = redis.call('HGET', jobs, job .. ':lease')
    if not until_ms then
        return 0
    end
    return tonumber(until_ms)
end

local function expire_leases()
    local expired = 0
    for _, job in ipairs(redis.call('SMEMBERS', active)) do
        if lease_of(job) < now then
            redis.call('SREM', active, job)
            redis.call('RPUSH', pending, job)
            expired = expired + 1
        end
    end
    return expired
end

expire_leases()

if redis.call('SCARD', active) >= max_active then
    return fail('BUSY', 'too many active jobs')
end

local job = redis.call('LPOP', pending)
if not job then
    return {err = 'NOSCRIPT no job pending'}
end

if redis.call('HEXISTS', jobs, job .. ':payload') == 0 then
    return fail('JOB_MISSING', 'job ' .. job .. ' has no payload')
end

redis.call('SADD', active, job)
redis.call('HSET', jobs, job .. ':lease', now + lease_ms, job .. ':worker', worker)
if redis.call('SISMEMBER', active, job) == 0 then
    -- a single word: Redis sends it as `ERR BUSY`
    return redis.error_reply('BUSY')
end
return redis.call('HGET', jobs, job .. ':payload')
