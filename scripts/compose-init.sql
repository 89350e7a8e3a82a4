-- Run once by the MariaDB image on first start (docker-compose.yml): a
-- database for the demo WordPress next to the service's own.
CREATE DATABASE IF NOT EXISTS wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
GRANT ALL PRIVILEGES ON wordpress.* TO 'vafa'@'%';
