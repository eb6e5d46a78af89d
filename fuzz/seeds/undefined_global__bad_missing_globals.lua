print('debug')
local now = os.time()
local mod = require('json')
return tonumbr('1')
