-- Built-in user store: accounts, their roles and the provinces assigned to provincial staff.
-- Passwords are argon2id hashes (salted, slow); identity-provider users have no password and
-- are matched by email. Disabled accounts keep their rows so the audit log stays readable.
CREATE TABLE users (
    username VARCHAR PRIMARY KEY,
    display_name VARCHAR NOT NULL DEFAULT '',
    email VARCHAR,
    password_hash VARCHAR,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    created_by VARCHAR NOT NULL DEFAULT ''
);

CREATE TABLE user_roles (
    username VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    PRIMARY KEY (username, role)
);

CREATE TABLE user_provinces (
    username VARCHAR NOT NULL,
    province_code VARCHAR NOT NULL,
    PRIMARY KEY (username, province_code)
);
