<?php
/**
 * A service call started early and collected later in the same page view.
 *
 * @package Vafa
 */

namespace Vafa;

defined( 'ABSPATH' ) || exit;

/**
 * A GET sent through curl's multi interface: start() connects and sends the
 * request, then returns, and the service answers while WordPress goes on
 * building the page (its header, menus and widgets); finish() reads the
 * answer when the page needs it. A storefront view that must ask the service
 * then waits only for what is left of the call, not for all of it.
 *
 * WordPress's HTTP API has no such call, so this one keeps what a request
 * through it would honour: the http_request_args filter, the blocked-hosts
 * rules, the CA bundle and TLS verification, the http_api_curl action, and
 * the http_api_debug and http_response hooks. Where it cannot (a proxy, a
 * pre_http_request filter that answers calls itself, no curl), start() says
 * so by returning null and the caller asks the ordinary way.
 */
final class PendingCall {
	/**
	 * The multi handle.
	 *
	 * @var resource|\CurlMultiHandle
	 */
	private $multi;

	/**
	 * The request's handle.
	 *
	 * @var resource|\CurlHandle
	 */
	private $handle;

	/**
	 * The URL.
	 *
	 * @var string
	 */
	private $url;

	/**
	 * The request's arguments, as WordPress's HTTP API parses them.
	 *
	 * @var array<string,mixed>
	 */
	private $args;

	/**
	 * Response headers, lower-cased names.
	 *
	 * @var array<string,string>
	 */
	private $headers = array();

	/**
	 * When the call must be over (microtime), a little past curl's own timeout.
	 *
	 * @var float
	 */
	private $deadline;

	/**
	 * The answer once read.
	 *
	 * @var array<string,mixed>|\WP_Error|null
	 */
	private $result = null;

	/**
	 * Starts a GET and returns once the request is on its way (connected, TLS
	 * done, sent), or null when it must go through wp_remote_request instead.
	 *
	 * @param string               $url     Full URL.
	 * @param array<string,string> $headers Request headers.
	 * @param float                $timeout Seconds the whole call may take.
	 */
	public static function start( string $url, array $headers, float $timeout ): ?self {
		if ( ! function_exists( 'curl_multi_init' ) || has_filter( 'pre_http_request' ) ) {
			return null;
		}
		$args = apply_filters(
			'http_request_args',
			array(
				'method'              => 'GET',
				'timeout'             => $timeout,
				'redirection'         => 0,
				'httpversion'         => '1.1',
				'user-agent'          => apply_filters( 'http_headers_useragent', 'WordPress/' . get_bloginfo( 'version' ) . '; ' . get_bloginfo( 'url' ), $url ),
				'reject_unsafe_urls'  => false,
				'blocking'            => true,
				'headers'             => $headers,
				'cookies'             => array(),
				'body'                => null,
				'sslverify'           => true,
				'sslcertificates'     => ABSPATH . WPINC . '/certificates/ca-bundle.crt',
				'compress'            => false,
				'decompress'          => true,
				'stream'              => false,
				'filename'            => null,
				'limit_response_size' => null,
			),
			$url
		);
		$proxy = new \WP_HTTP_Proxy();
		if ( ! is_array( $args ) || 'GET' !== ( $args['method'] ?? '' ) || ! empty( $args['cookies'] ) || ! empty( $args['stream'] ) || ! is_array( $args['headers'] ?? null )
			|| _wp_http_get_object()->block_request( $url ) || ( $proxy->is_enabled() && $proxy->send_through_proxy( $url ) ) ) {
			return null;
		}
		$call = new self( $url, $args );
		$call->send();
		return $call;
	}

	/**
	 * Constructor.
	 *
	 * @param string              $url  URL.
	 * @param array<string,mixed> $args Parsed arguments.
	 */
	private function __construct( string $url, array $args ) {
		$this->url  = $url;
		$this->args = $args;
	}

	/**
	 * Sets the handle up and drives it until the request is sent or over (a
	 * refused connection, a timeout: finish() tells).
	 */
	private function send(): void {
		$timeout        = max( 0.1, (float) $this->args['timeout'] );
		$this->deadline = microtime( true ) + $timeout + 0.25;
		$verify         = apply_filters( 'https_ssl_verify', ! empty( $this->args['sslverify'] ) ? (string) $this->args['sslcertificates'] : false, $this->url );
		$lines          = array();
		foreach ( $this->args['headers'] as $name => $value ) {
			$lines[] = $name . ': ' . $value;
		}
		$h = curl_init();
		// phpcs:disable WordPress.WP.AlternativeFunctions.curl_curl_setopt_array -- see the class comment: WordPress's HTTP API cannot start a call and return.
		curl_setopt_array(
			$h,
			array(
				CURLOPT_URL            => $this->url,
				CURLOPT_HTTPGET        => true,
				CURLOPT_HTTPHEADER     => $lines,
				CURLOPT_USERAGENT      => (string) $this->args['user-agent'],
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_FOLLOWLOCATION => false,
				CURLOPT_PROTOCOLS      => CURLPROTO_HTTP | CURLPROTO_HTTPS,
				CURLOPT_ENCODING       => '',
				CURLOPT_NOSIGNAL       => true,
				CURLOPT_TIMEOUT_MS     => (int) ceil( $timeout * 1000 ),
				CURLOPT_CONNECTTIMEOUT_MS => (int) ceil( $timeout * 1000 ),
				CURLOPT_HTTP_VERSION   => '1.0' === (string) $this->args['httpversion'] ? CURL_HTTP_VERSION_1_0 : CURL_HTTP_VERSION_1_1,
				CURLOPT_SSL_VERIFYPEER => false !== $verify,
				CURLOPT_SSL_VERIFYHOST => false !== $verify ? 2 : 0,
				CURLOPT_HEADERFUNCTION => function ( $handle, string $line ): int {
					$parts = explode( ':', $line, 2 );
					if ( 2 === count( $parts ) ) {
						$this->headers[ strtolower( trim( $parts[0] ) ) ] = trim( $parts[1] );
					} elseif ( 0 === strpos( $line, 'HTTP/' ) ) {
						$this->headers = array(); // a new status line: an interim answer's headers go.
					}
					return strlen( $line );
				},
			)
		);
		if ( is_string( $verify ) && '' !== $verify ) {
			curl_setopt( $h, CURLOPT_CAINFO, $verify );
		}
		// phpcs:enable
		do_action_ref_array( 'http_api_curl', array( &$h, $this->args, $this->url ) );
		$this->handle = $h;
		$this->multi  = curl_multi_init();
		curl_multi_add_handle( $this->multi, $h );
		// Connect, shake hands and send: the service starts on the answer now.
		// What it takes is what a blocking call would wait for anyway.
		while ( ! $this->pump() && 0 === (int) curl_getinfo( $h, CURLINFO_REQUEST_SIZE ) && microtime( true ) < $this->deadline ) {
			$this->wait( 0.05 );
		}
	}

	/**
	 * The answer, as wp_remote_request returns it: an array with headers,
	 * body and response, or a WP_Error. Waits for what is left of the call.
	 *
	 * @return array<string,mixed>|\WP_Error
	 */
	public function finish() {
		if ( null !== $this->result ) {
			return $this->result;
		}
		while ( ! $this->pump() ) {
			if ( microtime( true ) > $this->deadline ) {
				break;
			}
			$this->wait( 0.1 );
		}
		$this->result = $this->read();
		do_action( 'http_api_debug', $this->result, 'response', self::class, $this->args, $this->url );
		if ( ! is_wp_error( $this->result ) ) {
			$this->result = apply_filters( 'http_response', $this->result, $this->args, $this->url );
		}
		$this->abandon();
		return $this->result;
	}

	/**
	 * Lets the call go unanswered (the page no longer needs it).
	 */
	public function abandon(): void {
		if ( null !== $this->multi ) {
			curl_multi_remove_handle( $this->multi, $this->handle );
			curl_multi_close( $this->multi );
			$this->multi = null;
		}
	}

	/**
	 * Lets curl do what it can without waiting; whether the call is over.
	 */
	private function pump(): bool {
		do {
			$status = curl_multi_exec( $this->multi, $running );
		} while ( CURLM_CALL_MULTI_PERFORM === $status );
		return CURLM_OK !== $status || 0 === $running;
	}

	/**
	 * Waits until curl has something to do, at most $seconds.
	 *
	 * @param float $seconds Longest wait.
	 */
	private function wait( float $seconds ): void {
		if ( -1 === curl_multi_select( $this->multi, $seconds ) ) {
			usleep( 100 ); // nothing to wait on yet (curl between two states).
		}
	}

	/**
	 * The finished call as WordPress's HTTP API shapes it.
	 *
	 * @return array<string,mixed>|\WP_Error
	 */
	private function read() {
		$info  = curl_multi_info_read( $this->multi );
		$errno = is_array( $info ) ? (int) $info['result'] : CURLE_OPERATION_TIMEDOUT;
		if ( CURLE_OK !== $errno ) {
			return new \WP_Error( 'http_request_failed', sprintf( 'cURL error %d: %s', $errno, curl_strerror( $errno ) ) );
		}
		$code = (int) curl_getinfo( $this->handle, CURLINFO_RESPONSE_CODE );
		return array(
			'headers'       => $this->headers,
			'body'          => (string) curl_multi_getcontent( $this->handle ),
			'response'      => array(
				'code'    => $code,
				'message' => get_status_header_desc( $code ),
			),
			'cookies'       => array(),
			'filename'      => null,
			'http_response' => null,
		);
	}
}
