{{ staged_deletions('raw_erp') }}
