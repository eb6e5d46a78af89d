#!lua flags=no-writes,allow-stale
return 1
