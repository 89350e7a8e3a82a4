<?php
/**
 * Bootstrap for the plugin's unit tests: the pure classes (tokens, formats,
 * earn math, token parsing) need only these few WordPress functions, given
 * here with WordPress's own behaviour. Everything that talks to WordPress or
 * the service is tested in the integration test, in a real WordPress.
 *
 * @package Vafa
 */

// phpcs:ignoreFile -- test bootstrap.
define( 'ABSPATH', __DIR__ . '/' );
define( 'VAFA_DIR', dirname( __DIR__, 2 ) );
require VAFA_DIR . '/includes/Autoloader.php';
\Vafa\Autoloader::register( VAFA_DIR . '/includes' );

function __( $text, $domain = 'default' ) { return $text; }
function wp_json_encode( $data ) { return json_encode( $data ); }
function wp_http_validate_url( $url ) { return filter_var( $url, FILTER_VALIDATE_URL ) ? $url : false; }

// An in-memory options and transients table, enough for the classes that
// cache (Program, Install); tests reset it with vafa_test_reset().
$GLOBALS['vafa_test_store'] = array( 'options' => array(), 'transients' => array(), 'actions' => array() );
function vafa_test_reset() { $GLOBALS['vafa_test_store'] = array( 'options' => array(), 'transients' => array(), 'actions' => array() ); }
function get_option( $name, $default = false ) { return array_key_exists( $name, $GLOBALS['vafa_test_store']['options'] ) ? $GLOBALS['vafa_test_store']['options'][ $name ] : $default; }
function update_option( $name, $value, $autoload = null ) { $GLOBALS['vafa_test_store']['options'][ $name ] = $value; return true; }
function add_option( $name, $value = '', $deprecated = '', $autoload = 'yes' ) { if ( array_key_exists( $name, $GLOBALS['vafa_test_store']['options'] ) ) { return false; } $GLOBALS['vafa_test_store']['options'][ $name ] = $value; return true; }
function delete_option( $name ) { unset( $GLOBALS['vafa_test_store']['options'][ $name ] ); return true; }
function get_transient( $name ) { return $GLOBALS['vafa_test_store']['transients'][ $name ] ?? false; }
function set_transient( $name, $value, $ttl = 0 ) { $GLOBALS['vafa_test_store']['transients'][ $name ] = $value; return true; }
function delete_transient( $name ) { unset( $GLOBALS['vafa_test_store']['transients'][ $name ] ); return true; }
function apply_filters( $hook, $value, ...$args ) { return $value; }
function do_action( $hook, ...$args ) { $GLOBALS['vafa_test_store']['actions'][] = array( $hook, $args ); }
if ( ! defined( 'MINUTE_IN_SECONDS' ) ) { define( 'MINUTE_IN_SECONDS', 60 ); }
if ( ! defined( 'VAFA_VERSION' ) ) { define( 'VAFA_VERSION', '0.2.0' ); }
function untrailingslashit( $s ) { return rtrim( $s, '/\\' ); }
function wp_parse_url( $url, $component = -1 ) { return parse_url( $url, $component ); }
function wp_timezone() { return new DateTimeZone( get_option( 'timezone_string' ) ?: 'UTC' ); }
function wp_date( $format, $timestamp = null ) { return ( new DateTimeImmutable( '@' . (int) $timestamp ) )->setTimezone( wp_timezone() )->format( $format ); }
if ( ! defined( 'DAY_IN_SECONDS' ) ) { define( 'DAY_IN_SECONDS', 86400 ); }
