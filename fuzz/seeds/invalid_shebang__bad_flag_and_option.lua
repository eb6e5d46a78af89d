#!lua flags=no_writes,allow-oom name=x
return 1
