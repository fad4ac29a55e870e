import JSON

/// JSON Schema of the resolver's linkset (RFC 9264 §4.2, `application/linkset+json`).
extension Schemas {
    static var resolverSchemas: [(key: String, value: JSONValue)] {
        let target = object([
            ("href", type("string", format: "uri-reference", description: "Path of a public API resource")),
            ("title", type("string", description: "What the target is, in Vietnamese")),
            ("type", type("string", description: "Media type of the target")),
            ("hreflang", .object(JSONObject([("type", .string("array")), ("items", type("string"))]))),
        ], required: ["href"])
        let context = JSONValue.object(JSONObject([
            ("type", .string("object")),
            ("properties", .object(JSONObject([
                ("anchor", type("string", format: "uri-reference",
                                description: "The resolver URI the links are about: canonical, GTIN as 14 digits")),
            ]))),
            ("required", .array([.string("anchor")])),
            ("additionalProperties", .object(JSONObject([
                ("description", .string("A link relation type (a GS1 Web Vocabulary URI, e.g. https://gs1.org/voc/pip) "
                                        + "with its targets")),
                ("type", .string("array")),
                ("items", target),
            ]))),
        ]))
        return [
            ("Linkset", object([
                ("linkset", .object(JSONObject([("type", .string("array")), ("items", context)]))),
            ], required: ["linkset"])),
        ]
    }
}
