"""Getting customers out of the warehouse to the tools that contact them, with consent."""
