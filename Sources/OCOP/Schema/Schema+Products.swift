import SQLite

extension Schema {
    /// Issue #3: the product catalogue, raw-material areas, evaluation, certificates and inspections.
    /// Certificate status is NOT stored as truth: it is computed from dates on read
    /// (`CertificateStatus.on`); `status_recorded` only remembers the last status written
    /// to the audit log, so calendar-driven changes can be audited when they happen.
    static func createProducts(_ db: Connection) throws {
        try db.execute("""
        CREATE TABLE product_groups (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            position INTEGER NOT NULL,
            gtin_required INTEGER NOT NULL
        );
        CREATE TABLE product_subgroups (
            code TEXT PRIMARY KEY,
            group_code TEXT NOT NULL REFERENCES product_groups(code),
            name TEXT NOT NULL,
            position INTEGER NOT NULL
        );
        CREATE TABLE raw_material_areas (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            name TEXT,
            kind TEXT NOT NULL CHECK (kind IN ('cultivation', 'aquaculture', 'livestock', 'forest')),
            area_m2 INTEGER NOT NULL CHECK (area_m2 > 0),
            commune TEXT,
            district TEXT,
            producer_id INTEGER REFERENCES producers(id) ON DELETE RESTRICT,
            market TEXT NOT NULL CHECK (market IN ('domestic', 'export')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX raw_material_areas_by_producer ON raw_material_areas(producer_id, id);
        CREATE TABLE area_certifications (
            id INTEGER PRIMARY KEY,
            area_id INTEGER NOT NULL REFERENCES raw_material_areas(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            scheme TEXT NOT NULL CHECK (scheme IN ('VietGAP', 'VietGAHP', 'organic', 'other')),
            number TEXT NOT NULL,
            valid_from TEXT NOT NULL,
            valid_until TEXT NOT NULL,
            CHECK (valid_from <= valid_until)
        );
        CREATE INDEX area_certifications_by_area ON area_certifications(area_id, position);
        CREATE INDEX area_certifications_by_scheme ON area_certifications(scheme, valid_until);
        CREATE TABLE packing_facilities (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            commune TEXT,
            district TEXT,
            address TEXT,
            producer_id INTEGER REFERENCES producers(id) ON DELETE RESTRICT,
            market TEXT NOT NULL CHECK (market IN ('domestic', 'export')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE products (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            name_key BLOB NOT NULL,
            producer_id INTEGER NOT NULL REFERENCES producers(id) ON DELETE RESTRICT,
            group_code TEXT NOT NULL REFERENCES product_groups(code),
            subgroup_code TEXT REFERENCES product_subgroups(code),
            description TEXT,
            unit TEXT,
            price_vnd INTEGER CHECK (price_vnd >= 0),
            gtin TEXT UNIQUE CHECK (gtin IS NULL OR length(gtin) = 14),
            origin_province TEXT NOT NULL,
            image_urls TEXT NOT NULL DEFAULT '[]',
            under_review INTEGER NOT NULL DEFAULT 0,
            current_certificate_id INTEGER REFERENCES certificates(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX products_by_producer ON products(producer_id, id);
        CREATE INDEX products_by_group ON products(group_code, id);
        CREATE INDEX products_by_subgroup ON products(subgroup_code, id);
        CREATE INDEX products_by_name ON products(name_key, id);
        CREATE INDEX products_by_certificate ON products(current_certificate_id);
        CREATE VIRTUAL TABLE products_search USING fts5(folded, tokenize = 'unicode61 remove_diacritics 0');
        CREATE TABLE product_areas (
            product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
            area_id INTEGER NOT NULL REFERENCES raw_material_areas(id) ON DELETE RESTRICT,
            position INTEGER NOT NULL,
            PRIMARY KEY (product_id, area_id)
        ) WITHOUT ROWID;
        CREATE INDEX product_areas_by_area ON product_areas(area_id);
        CREATE TABLE evaluation_rounds (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            council_level TEXT NOT NULL CHECK (council_level IN ('district', 'province', 'central')),
            held_on TEXT NOT NULL,
            decision_ref TEXT,
            sheet_version TEXT NOT NULL,
            legal_basis TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE certificates (
            id INTEGER PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE RESTRICT,
            result_id INTEGER REFERENCES evaluation_results(id),
            stars INTEGER NOT NULL CHECK (stars BETWEEN 3 AND 5),
            council_level TEXT NOT NULL,
            legal_basis TEXT NOT NULL,
            decided_on TEXT NOT NULL,
            expires_on TEXT NOT NULL,
            previous_id INTEGER REFERENCES certificates(id),
            renewed_by_id INTEGER REFERENCES certificates(id),
            revoked_on TEXT,
            revocation_reason TEXT CHECK (revocation_reason IN ('not_reapplied', 'failed_mandatory_criteria', 'violation')),
            revocation_note TEXT,
            status_recorded TEXT NOT NULL DEFAULT 'active',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            CHECK ((revoked_on IS NULL) = (revocation_reason IS NULL))
        );
        CREATE INDEX certificates_by_product ON certificates(product_id, decided_on, id);
        CREATE INDEX certificates_by_expiry ON certificates(expires_on, id);
        CREATE INDEX certificates_by_stars ON certificates(stars, expires_on);
        CREATE TABLE evaluation_results (
            id INTEGER PRIMARY KEY,
            round_id INTEGER NOT NULL REFERENCES evaluation_rounds(id) ON DELETE RESTRICT,
            product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE RESTRICT,
            member_scores TEXT NOT NULL,
            mandatory_criteria_met INTEGER NOT NULL,
            average_score TEXT NOT NULL,
            stars_earned INTEGER NOT NULL CHECK (stars_earned BETWEEN 1 AND 5),
            stars_awarded INTEGER NOT NULL CHECK (stars_awarded BETWEEN 1 AND 5),
            proposed_to_next_level INTEGER NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('new', 'reissued', 'upgraded', 'downgraded', 'not_recognised')),
            previous_certificate_id INTEGER REFERENCES certificates(id),
            certificate_id INTEGER REFERENCES certificates(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            UNIQUE (round_id, product_id)
        );
        CREATE INDEX evaluation_results_by_product ON evaluation_results(product_id, id);
        CREATE TABLE inspections (
            id INTEGER PRIMARY KEY,
            product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE RESTRICT,
            inspected_on TEXT NOT NULL,
            agency TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('food_safety', 'labeling', 'packaging', 'intellectual_property', 'other')),
            result TEXT NOT NULL CHECK (result IN ('pass', 'fail')),
            findings TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        );
        CREATE INDEX inspections_by_product ON inspections(product_id, inspected_on, id);
        """)
        for (position, group) in ProductTaxonomy.groups.enumerated() {
            try db.run("INSERT INTO product_groups (code, name, position, gtin_required) VALUES (?, ?, ?, ?)",
                       [.text(group.code), .text(group.name), .integer(Int64(position + 1)), SQLiteValue(group.gtinRequired)])
            for (index, subgroup) in group.subgroups.enumerated() {
                try db.run("INSERT INTO product_subgroups (code, group_code, name, position) VALUES (?, ?, ?, ?)",
                           [.text(subgroup.code), .text(group.code), .text(subgroup.name), .integer(Int64(index + 1))])
            }
        }
    }
}
