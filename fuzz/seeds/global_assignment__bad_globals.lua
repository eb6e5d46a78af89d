count = 0
function helper(x) return x end
redis.custom = helper
return count
