local count = 0
local function helper(x) return x + 1 end
local util = {}
function util.double(x) return x * 2 end
count = helper(count)
return util.double(count)
