package prompts

// SchemaName is the name the answer's schema is sent under.
const SchemaName = schemaName
