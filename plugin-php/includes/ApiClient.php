<?php
/**
 * The one client for every call to the Vafa service.
 *
 * @package Vafa
 */

namespace Vafa;

defined( 'ABSPATH' ) || exit;

/**
 * Calls the service with an explicit timeout, checks every answer, caches
 * storefront reads briefly per user, and remembers the last good answer so a
 * page can still show figures (marked with their time) when the service is down.
 */
class ApiClient {
	const CACHE_TTL = 60;

	/**
	 * Seconds a shopper's figures are asked fresh on every page view after
	 * something changed them at the store (an order's status): WooCommerce
	 * delivers the webhook that tells the service in the background, so the
	 * change reaches the service a moment later.
	 */
	const SETTLE = 180;

	/**
	 * This request's answers by cache key: the boxes of one page read the
	 * same answer, so a page view makes at most one call per path.
	 *
	 * @var array<string,array<string,mixed>>
	 */
	private static $answers = array();

	/**
	 * Calls started early in this request (prefetch), by cache key.
	 *
	 * @var array<string,PendingCall>
	 */
	private static $pending = array();

	/**
	 * Base URL of the service.
	 *
	 * @var string
	 */
	private $base;

	/**
	 * Seconds a call may take.
	 *
	 * @var float
	 */
	private $timeout;

	/**
	 * Whether requests go through wp_safe_remote_request (an address not yet
	 * trusted: the one in a connection token).
	 *
	 * @var bool
	 */
	private $safe;

	/**
	 * Constructor.
	 *
	 * @param string     $base    Service base URL.
	 * @param float|null $timeout Seconds; the configured timeout when null.
	 * @param bool       $safe    Use wp_safe_remote_request (no internal addresses, ports 80/443/8080 only).
	 */
	public function __construct( string $base, ?float $timeout = null, bool $safe = false ) {
		$this->base    = untrailingslashit( $base );
		$this->timeout = null === $timeout ? Settings::timeout() : $timeout;
		$this->safe    = $safe;
	}

	/**
	 * A client for the connected store, or null when not connected.
	 */
	public static function connected(): ?self {
		if ( ! Settings::connected() ) {
			return null;
		}
		return new self( Settings::connection()['service_url'] );
	}

	/**
	 * A fresh token for a subject.
	 *
	 * @param string $subject WordPress user id.
	 * @param string $scope   'shopper' or 'admin'.
	 */
	public static function token( string $subject, string $scope ): string {
		$c = Settings::connection();
		return Token::mint( Settings::private_key(), $c['kid'], $c['store_id'], $subject, $scope, time() );
	}

	/**
	 * Sends a request and returns the decoded JSON body.
	 *
	 * @param string              $method  HTTP method.
	 * @param string              $path    Path under the base URL.
	 * @param array|null          $body    JSON body.
	 * @param array<string,string> $headers Extra headers.
	 * @param float|null          $timeout Overrides the timeout (background jobs wait longer).
	 * @return array<string,mixed>
	 * @throws ApiException When the service does not answer or answers an error.
	 */
	public function request( string $method, string $path, ?array $body = null, array $headers = array(), ?float $timeout = null ): array {
		$args = array(
			'method'      => $method,
			'timeout'     => null === $timeout ? $this->timeout : $timeout,
			'redirection' => 0,
			'headers'     => array_merge( array( 'Accept' => 'application/json' ), $headers ),
		);
		if ( null !== $body ) {
			$args['headers']['Content-Type'] = 'application/json';
			$args['body']                    = wp_json_encode( $body );
		}
		$res = $this->safe ? wp_safe_remote_request( $this->base . $path, $args ) : wp_remote_request( $this->base . $path, $args );
		return self::answer( $res );
	}

	/**
	 * The decoded JSON body of a response.
	 *
	 * @param array<string,mixed>|\WP_Error $res What wp_remote_request (or a PendingCall) returned.
	 * @return array<string,mixed>
	 * @throws ApiException When the service did not answer or answered an error.
	 */
	private static function answer( $res ): array {
		if ( is_wp_error( $res ) ) {
			throw new ApiException( __( 'The rewards service could not be reached.', 'vafa' ), 'unreachable', 0 );
		}
		$status = (int) wp_remote_retrieve_response_code( $res );
		$data   = json_decode( (string) wp_remote_retrieve_body( $res ), true );
		if ( $status < 200 || $status >= 300 ) {
			$code    = is_array( $data ) && isset( $data['error']['code'] ) ? (string) $data['error']['code'] : 'http_' . $status;
			$message = is_array( $data ) && isset( $data['error']['message'] ) ? (string) $data['error']['message'] : '';
			/* translators: 1: HTTP status, 2: message from the rewards service */
			throw new ApiException( sprintf( __( 'The rewards service answered %1$d: %2$s', 'vafa' ), $status, $message ), $code, $status, $message );
		}
		if ( ! is_array( $data ) ) {
			throw new ApiException( __( 'The rewards service sent an unreadable answer.', 'vafa' ), 'bad_json', $status );
		}
		return $data;
	}

	/**
	 * Calls as a subject with a fresh token.
	 *
	 * @param string     $method  HTTP method.
	 * @param string     $path    Path.
	 * @param string     $subject WordPress user id.
	 * @param string     $scope   Scope.
	 * @param array|null $body    JSON body.
	 * @param array      $headers Extra headers.
	 * @param float|null $timeout Timeout override.
	 * @return array<string,mixed>
	 * @throws ApiException On failure.
	 */
	public function as_user( string $method, string $path, string $subject, string $scope, ?array $body = null, array $headers = array(), ?float $timeout = null ): array {
		$headers['Authorization'] = 'Bearer ' . self::token( $subject, $scope );
		return $this->request( $method, $path, $body, $headers, $timeout );
	}

	/**
	 * GETs a file (a CSV export) as a subject, streamed into a local file
	 * rather than held in memory.
	 *
	 * @param string $path    Path and query.
	 * @param string $subject WordPress user id.
	 * @param string $scope   Scope.
	 * @param string $file    Local file to write.
	 * @param float  $timeout Seconds the download may take.
	 * @return string The answer's Content-Type.
	 * @throws ApiException When the service does not answer or answers an error (the file then holds nothing useful).
	 */
	public function download( string $path, string $subject, string $scope, string $file, float $timeout ): string {
		$args = array(
			'method'      => 'GET',
			'timeout'     => $timeout,
			'redirection' => 0,
			'stream'      => true,
			'filename'    => $file,
			'headers'     => array(
				'Accept'        => 'text/csv',
				'Authorization' => 'Bearer ' . self::token( $subject, $scope ),
			),
		);
		$res  = $this->safe ? wp_safe_remote_request( $this->base . $path, $args ) : wp_remote_request( $this->base . $path, $args );
		if ( is_wp_error( $res ) ) {
			throw new ApiException( __( 'The rewards service could not be reached.', 'vafa' ), 'unreachable', 0 );
		}
		$status = (int) wp_remote_retrieve_response_code( $res );
		if ( $status < 200 || $status >= 300 ) {
			// An error answer is small JSON: read its message from the file.
			$data    = json_decode( (string) file_get_contents( $file, false, null, 0, 65536 ), true ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- a local temporary file.
			$message = is_array( $data ) && isset( $data['error']['message'] ) ? (string) $data['error']['message'] : '';
			/* translators: 1: HTTP status, 2: message from the rewards service */
			throw new ApiException( sprintf( __( 'The rewards service answered %1$d: %2$s', 'vafa' ), $status, $message ), 'http_' . $status, $status );
		}
		return (string) wp_remote_retrieve_header( $res, 'content-type' );
	}

	/**
	 * Whether a failure means the service is down for everyone: it could not
	 * be reached or answered 5xx. A 4xx is about one request (a bad cursor,
	 * an expired token) and must not mark the service down for every shopper.
	 *
	 * @param ApiException $e The failure.
	 */
	public static function means_down( ApiException $e ): bool {
		return 0 === $e->status || $e->status >= 500;
	}

	/**
	 * A storefront read for a user: cached briefly; when the service fails,
	 * the last good answer is returned with 'stale_since' set, or null.
	 *
	 * @param int    $user_id WordPress user id.
	 * @param string $path    Path to GET.
	 * @return array<string,mixed>|null
	 */
	public function cached_get( int $user_id, string $path ): ?array {
		$key = self::cache_key( $user_id, $path );
		if ( isset( self::$answers[ $key ] ) ) {
			return self::$answers[ $key ];
		}
		// Only the first page of a list is kept: a page per cursor would let
		// one shopper fill the database. It is user meta, which WordPress
		// loads with the logged-in user, so a fresh copy costs no query.
		$first_page = false === strpos( $path, 'cursor=' );
		$last       = $first_page ? self::copy( $user_id, $key ) : null;
		$now        = time();
		$settling   = is_array( $last ) && (int) ( $last['_vafa_settle'] ?? 0 ) > $now;
		if ( self::fresh( $last, $now ) ) {
			self::$answers[ $key ] = $last;
			return $last;
		}
		// A recent outage is remembered briefly so a page with several
		// widgets waits for the timeout once, not once per widget.
		if ( ! self::down() ) {
			try {
				$early = self::$pending[ $key ] ?? null;
				unset( self::$pending[ $key ] );
				$data                = $early ? self::answer( $early->finish() ) : $this->as_user( 'GET', $path, (string) $user_id, 'shopper' );
				$data['_vafa_at']    = $now;
				$data['_vafa_fresh'] = $now + self::CACHE_TTL;
				if ( $settling ) {
					$data['_vafa_settle'] = (int) $last['_vafa_settle'];
				}
				if ( $first_page && ! self::still_cached( $last, $data ) ) {
					self::keep( $user_id, $key, $data );
				}
				self::$answers[ $key ] = $data;
				return $data;
			} catch ( ApiException $e ) {
				if ( self::means_down( $e ) ) {
					self::mark_down();
				}
			}
		}
		if ( ! is_array( $last ) ) {
			return null;
		}
		$last['stale_since']   = (int) ( $last['_vafa_at'] ?? 0 );
		self::$answers[ $key ] = $last;
		return $last;
	}

	/**
	 * Starts the call cached_get() will make for this user and path, so the
	 * service answers while WordPress builds the rest of the page. Does
	 * nothing when the page will not need to ask: the stored copy is fresh,
	 * the service was just seen down, or the path is not one that is kept.
	 * A call that cannot be made this way (see PendingCall) is made by
	 * cached_get() as usual.
	 *
	 * @param int    $user_id WordPress user id.
	 * @param string $path    Path to GET.
	 */
	public function prefetch( int $user_id, string $path ): void {
		$key = self::cache_key( $user_id, $path );
		// A client another plugin or a test put in place answers its own way.
		if ( $this->safe || self::class !== get_class( $this ) || isset( self::$answers[ $key ] ) || isset( self::$pending[ $key ] )
			|| false !== strpos( $path, 'cursor=' ) || self::down() ) {
			return;
		}
		$last = self::copy( $user_id, $key );
		if ( self::fresh( $last, time() ) ) {
			self::$answers[ $key ] = $last; // the boxes read it from here, decoded once.
			return;
		}
		$call = PendingCall::start(
			$this->base . $path,
			array(
				'Accept'        => 'application/json',
				'Authorization' => 'Bearer ' . self::token( (string) $user_id, 'shopper' ),
			),
			$this->timeout
		);
		if ( null !== $call ) {
			self::$pending[ $key ] = $call;
		}
	}

	/**
	 * Whether a stored copy can be shown without asking: within its minute
	 * and not settling (a change at the store the service hears of shortly).
	 *
	 * @param mixed $last The stored copy.
	 * @param int   $now  Current time.
	 */
	private static function fresh( $last, int $now ): bool {
		return is_array( $last ) && (int) ( $last['_vafa_settle'] ?? 0 ) <= $now && (int) ( $last['_vafa_fresh'] ?? 0 ) > $now;
	}

	/**
	 * Whether the stored copy already says what a fresh answer says and
	 * stays fresh a while longer: a page that always asks (My Account)
	 * then writes nothing.
	 *
	 * @param mixed               $last  The stored copy.
	 * @param array<string,mixed> $fresh The fresh answer.
	 */
	private static function still_cached( $last, array $fresh ): bool {
		if ( ! is_array( $last ) || (int) ( $last['_vafa_fresh'] ?? 0 ) <= time() + intdiv( self::CACHE_TTL, 2 ) ) {
			return false;
		}
		if ( (int) ( $last['_vafa_settle'] ?? 0 ) !== (int) ( $fresh['_vafa_settle'] ?? 0 ) ) {
			return false;
		}
		unset( $last['_vafa_at'], $last['_vafa_fresh'], $last['_vafa_settle'], $fresh['_vafa_at'], $fresh['_vafa_fresh'], $fresh['_vafa_settle'] );
		return $last === $fresh;
	}

	/**
	 * A user's stored copy of an answer, or null. Copies are JSON since
	 * 0.3.2; an older copy is a serialized array, which WordPress unpacks.
	 *
	 * @param int    $user_id WordPress user id.
	 * @param string $key     Its meta key (cache_key).
	 * @return array<string,mixed>|null
	 */
	public static function copy( int $user_id, string $key ): ?array {
		$raw = get_user_meta( $user_id, $key, true );
		if ( is_string( $raw ) && '' !== $raw ) {
			$raw = json_decode( $raw, true );
		}
		return is_array( $raw ) ? $raw : null;
	}

	/**
	 * Stores a user's copy of an answer: one UPDATE of its row, or an insert
	 * for the first one. update_user_meta would first look the row up, then
	 * read the table's column charsets (SHOW FULL COLUMNS, on a request's
	 * first write to the table), and drop the user's loaded meta, which the
	 * page's next read of any of their meta loads again: about 1.1 ms of a
	 * cold page view. JSON escapes every non-ASCII character, so the query
	 * is ASCII and wpdb has no charset to check either. The copy is the
	 * plugin's own cache; no one else hooks its writes.
	 *
	 * @param int                 $user_id WordPress user id.
	 * @param string              $key     Its meta key (cache_key).
	 * @param array<string,mixed> $data    The copy.
	 */
	public static function keep( int $user_id, string $key, array $data ): void {
		global $wpdb;
		$value = (string) wp_json_encode( $data );
		// The user's meta is loaded (with the user, or by copy()): no query.
		if ( ! metadata_exists( 'user', $user_id, $key ) ) {
			add_user_meta( $user_id, $key, wp_slash( $value ) ); // it unslashes: JSON's backslashes must survive
			return;
		}
		$wpdb->query( $wpdb->prepare( "UPDATE {$wpdb->usermeta} SET meta_value = %s WHERE user_id = %d AND meta_key = %s", $value, $user_id, $key ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- the plugin's own cache row; the loaded meta is updated below.
		if ( wp_using_ext_object_cache() ) {
			// Shared between requests: drop it, as update_user_meta does.
			wp_cache_delete( $user_id, 'user_meta' );
			return;
		}
		// This request's copy of the user's meta says what the row says now.
		$loaded = wp_cache_get( $user_id, 'user_meta' );
		if ( is_array( $loaded ) ) {
			$loaded[ $key ] = array( $value );
			wp_cache_set( $user_id, $loaded, 'user_meta' );
		}
	}

	/**
	 * Whether an outage was seen in the last half minute. An autoloaded
	 * option, read with the others, so asking costs no query.
	 */
	public static function down(): bool {
		return (int) get_option( Settings::DOWN_UNTIL, 0 ) > time();
	}

	/**
	 * Remembers an outage for half a minute, so the pages of that time wait
	 * for the timeout once, not once each.
	 */
	public static function mark_down(): void {
		update_option( Settings::DOWN_UNTIL, time() + 30, true );
	}

	/**
	 * The user meta key of a user's cached answer for a path.
	 *
	 * @param int    $user_id WordPress user id.
	 * @param string $path    Path under the base URL.
	 */
	public static function cache_key( int $user_id, string $path ): string {
		return Settings::PREFIX . md5( $user_id . '|' . $path );
	}

	/**
	 * Makes the next read of a user's figures ask the service; the copy stays
	 * as the last good answer for an outage. With $settle, every read asks
	 * for that many seconds more (a change the service hears of shortly).
	 *
	 * @param int    $user_id WordPress user id.
	 * @param string $path    Path under the base URL.
	 * @param int    $settle  Seconds to keep asking on every read (0: the next read only).
	 */
	public static function forget_cached( int $user_id, string $path, int $settle = 0 ): void {
		$key = self::cache_key( $user_id, $path );
		unset( self::$answers[ $key ] );
		if ( isset( self::$pending[ $key ] ) ) {
			// Asked before the change: its answer may not show it.
			self::$pending[ $key ]->abandon();
			unset( self::$pending[ $key ] );
		}
		$last = self::copy( $user_id, $key );
		if ( null === $last ) {
			return;
		}
		$until = max( (int) ( $last['_vafa_settle'] ?? 0 ), $settle > 0 ? time() + $settle : 0 );
		if ( 0 !== (int) ( $last['_vafa_fresh'] ?? 0 ) || $until !== (int) ( $last['_vafa_settle'] ?? 0 ) ) {
			$last['_vafa_fresh'] = 0;
			if ( $until > 0 ) {
				$last['_vafa_settle'] = $until;
			}
			self::keep( $user_id, $key, $last );
		}
	}
}
