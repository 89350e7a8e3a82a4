<?php
/**
 * The store's earn rule, as the service holds it.
 *
 * @package Vafa
 */

namespace Vafa;

defined( 'ABSPATH' ) || exit;

/**
 * Fetches the program from the service (cached) and computes points with the
 * service's own formula, so "you will earn N" matches what the ledger posts.
 */
final class Program {
	const TRANSIENT = 'vafa_program';

	/**
	 * The client the program is read with; null when not connected.
	 *
	 * @var ApiClient|null
	 */
	private $client;

	/**
	 * A program source reading through $client (injected, so storefront and
	 * checkout code can be tested with a fake client).
	 *
	 * @param ApiClient|null $client The client; null when not connected.
	 */
	public function __construct( ?ApiClient $client ) {
		$this->client = $client;
	}

	/**
	 * The program source for the connected store.
	 */
	public static function current(): self {
		return new self( Storefront\View::client() );
	}

	/**
	 * The program of the connected store, or null when unknown.
	 *
	 * @return array<string,mixed>|null
	 */
	public static function get(): ?array {
		return self::current()->fetch();
	}

	/**
	 * The program, or null when unknown (not connected, service down and
	 * nothing cached). Cached ten minutes; the last good answer is kept for
	 * outages. Only an outage (no answer, 5xx) marks the service down.
	 *
	 * @return array<string,mixed>|null
	 */
	public function fetch(): ?array {
		$p = get_transient( self::TRANSIENT );
		if ( is_array( $p ) ) {
			return $p;
		}
		if ( ! $this->client || false !== get_transient( Settings::PREFIX . 'down' ) ) {
			return self::last();
		}
		try {
			$p = $this->client->as_user( 'GET', '/v1/program', '0', 'shopper' );
		} catch ( ApiException $e ) {
			if ( ApiClient::means_down( $e ) ) {
				set_transient( Settings::PREFIX . 'down', 1, 30 );
			}
			return self::last();
		}
		set_transient( self::TRANSIENT, $p, 10 * MINUTE_IN_SECONDS );
		update_option( Settings::PROGRAM_LAST, $p, false );
		return $p;
	}

	/**
	 * The last program the service answered, or null.
	 *
	 * @return array<string,mixed>|null
	 */
	private static function last(): ?array {
		$last = get_option( Settings::PROGRAM_LAST );
		return is_array( $last ) ? $last : null;
	}

	/**
	 * Points for an amount the order earns on (net of tax and shipping), given
	 * as a decimal string or number in the store currency.
	 *
	 * @param array<string,mixed> $program Program from get().
	 * @param string|float|int    $net     Net amount in major units.
	 */
	public static function points_for( array $program, $net ): int {
		$exp   = (int) ( $program['currency_exponent'] ?? 2 );
		$minor = self::to_minor( (string) $net, $exp );
		$num   = (int) ( $program['earn_points'] ?? 0 );
		$per   = (int) ( $program['earn_per'] ?? 1 );
		if ( $minor <= 0 || $num <= 0 || $per <= 0 ) {
			return 0;
		}
		// floor(points * net_minor / (per * 10^exp)) without floats.
		$den = $per * ( 10 ** $exp );
		if ( function_exists( 'bcdiv' ) ) {
			return (int) bcdiv( bcmul( (string) $num, (string) $minor ), (string) $den, 0 );
		}
		return intdiv( $num * $minor, $den );
	}

	/**
	 * The bounds of "pay with points" for a cart: at least the store's
	 * minimum, at most the shopper's points, the store's per-order maximum and
	 * the points whose value stays within the share of the subtotal points may
	 * pay, the same rules the service applies (it has the last word).
	 * min > max means the shopper cannot pay with points in this cart.
	 *
	 * @param array<string,mixed> $program        Program from get().
	 * @param int                 $available      The shopper's available points.
	 * @param int                 $subtotal_minor The cart subtotal in minor units.
	 * @return array{min:int,max:int}
	 */
	public static function pay_bounds( array $program, int $available, int $subtotal_minor ): array {
		$per   = (int) ( $program['redeem_points'] ?? 0 );
		$value = (int) ( $program['redeem_value_minor'] ?? 0 );
		$min   = max( 1, (int) ( $program['redeem_min_points'] ?? 0 ) );
		$max   = max( 0, $available );
		if ( $per <= 0 || $value <= 0 || $subtotal_minor <= 0 ) {
			return array(
				'min' => $min,
				'max' => 0,
			);
		}
		$cap = (int) ( $program['redeem_max_points'] ?? 0 );
		if ( $cap > 0 ) {
			$max = min( $max, $cap );
		}
		$share = (int) ( $program['redeem_max_share_percent'] ?? 0 );
		$limit = ( $share <= 0 || $share >= 100 ) ? $subtotal_minor : intdiv( $subtotal_minor * $share, 100 );
		// value(p) = floor(p * value / per) <= limit  <=>  p <= ((limit + 1) * per - 1) / value.
		$max = min( $max, intdiv( ( $limit + 1 ) * $per - 1, $value ) );
		return array(
			'min' => $min,
			'max' => $max,
		);
	}

	/**
	 * Converts a decimal string to minor units, half-up, like the service.
	 *
	 * @param string $amount   Decimal string ("12.345").
	 * @param int    $exponent Currency exponent.
	 */
	public static function to_minor( string $amount, int $exponent ): int {
		$amount = trim( $amount );
		if ( ! preg_match( '/^(-?)(\d*)(?:\.(\d*))?$/', $amount, $m ) || ( '' === $m[2] && '' === ( $m[3] ?? '' ) ) ) {
			return 0;
		}
		$frac  = $m[3] ?? '';
		$whole = (int) ( $m[2] . substr( str_pad( $frac, $exponent, '0' ), 0, $exponent ) );
		if ( strlen( $frac ) > $exponent && (int) $frac[ $exponent ] >= 5 ) {
			++$whole;
		}
		return '-' === $m[1] ? -$whole : $whole;
	}
}
