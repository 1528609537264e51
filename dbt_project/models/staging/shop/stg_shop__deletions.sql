{{ staged_deletions('raw_shop') }}
