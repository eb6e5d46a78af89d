return redis.call('GET', 'config:main')
