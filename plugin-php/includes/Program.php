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
	const TRANSIENT = 'vafa_program'; // before 0.3.1 the cached copy was a transient
	const FRESH     = 10 * MINUTE_IN_SECONDS;

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
		// The last good answer and when it came are autoloaded options: a
		// page view reading a fresh copy makes no query of its own.
		if ( (int) get_option( Settings::PROGRAM_AT, 0 ) > time() - self::FRESH ) {
			$p = self::last();
			if ( null !== $p ) {
				return $p;
			}
		}
		if ( ! $this->client || ApiClient::down() ) {
			return self::last();
		}
		try {
			$p = $this->client->as_user( 'GET', '/v1/program', '0', 'shopper' );
		} catch ( ApiException $e ) {
			if ( ApiClient::means_down( $e ) ) {
				ApiClient::mark_down();
			}
			return self::last();
		}
		Settings::autoload( Settings::PROGRAM_LAST, $p );
		Settings::autoload( Settings::PROGRAM_AT, time() );
		return $p;
	}

	/**
	 * Makes the next read ask the service (after a setting changed there).
	 */
	public static function forget(): void {
		delete_option( Settings::PROGRAM_AT );
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
	 * A multiplier string ("1.25") as ten-thousandths (12500); 10000 for 1.
	 *
	 * @param mixed $m Multiplier as the service writes it.
	 */
	private static function per_ten_thousand( $m ): int {
		if ( ! is_string( $m ) || ! preg_match( '/^([0-9]{1,4})(?:\.([0-9]{1,4}))?$/', $m, $x ) ) {
			return 10000;
		}
		return (int) $x[1] * 10000 + (int) str_pad( $x[2] ?? '', 4, '0' );
	}

	/**
	 * Points for lines under the store's earning rules and the promotions
	 * running at $now, the way the service computes them (it has the last
	 * word): per line, an exclusion earns nothing, a fixed rule earns its
	 * points per unit, otherwise the rate times the product's own multiplier
	 * (else the most generous of its categories') times the largest running
	 * promotion; below the minimum subtotal nothing. Without rules, the plain
	 * rate on the sum.
	 *
	 * @param array<string,mixed>             $program Program from get().
	 * @param array<int,array<string,mixed>> $lines   Each: product_id, quantity, net_minor, categories (ids).
	 * @param int                             $now     Unix time (promotions).
	 */
	public static function points_for_lines( array $program, array $lines, int $now ): int {
		$exp   = (int) ( $program['currency_exponent'] ?? 2 );
		$num   = (int) ( $program['earn_points'] ?? 0 );
		$per   = (int) ( $program['earn_per'] ?? 1 );
		$total = 0;
		foreach ( $lines as $l ) {
			$total += max( 0, (int) $l['net_minor'] );
		}
		$min = (int) ( $program['earn_min_subtotal_minor'] ?? 0 );
		if ( $num <= 0 || $per <= 0 || ( $min > 0 && $total < $min ) ) {
			return 0;
		}
		$rules  = array_filter( (array) ( $program['earning_rules'] ?? array() ), static fn( $r ) => ! empty( $r['active'] ) );
		$promos = array_filter(
			(array) ( $program['promotions'] ?? array() ),
			static fn( $p ) => ! empty( $p['active'] ) && Format::unix( (string) $p['starts'] ) <= $now && $now < Format::unix( (string) $p['ends'] )
		);
		$weighted = '0'; // net x multipliers, in 10^-8 of a minor unit
		$fixed    = 0;
		foreach ( $lines as $l ) {
			$cats    = array_map( 'intval', (array) ( $l['categories'] ?? array() ) );
			$product = null;
			$cat     = null;
			$exclude = false;
			foreach ( $rules as $r ) {
				$target = (int) $r['target_id'];
				$hit    = ( 'product' === $r['on'] && (int) $l['product_id'] === $target ) || ( 'category' === $r['on'] && in_array( $target, $cats, true ) );
				if ( ! $hit ) {
					continue;
				}
				if ( 'exclude' === $r['action'] ) {
					$exclude = true;
				} elseif ( 'product' === $r['on'] ) {
					$product = $r;
				} elseif ( null === $cat || self::rule_weight( $r ) > self::rule_weight( $cat ) ) {
					$cat = $r;
				}
			}
			if ( $exclude ) {
				continue;
			}
			$rule = $product ?? $cat;
			if ( $rule && 'fixed' === $rule['action'] ) {
				$fixed += (int) $rule['points'] * max( 1, (int) $l['quantity'] );
				continue;
			}
			$m     = $rule ? self::per_ten_thousand( $rule['multiplier'] ) : 10000;
			$promo = 10000;
			foreach ( $promos as $p ) {
				if ( empty( $p['category_id'] ) || in_array( (int) $p['category_id'], $cats, true ) ) {
					$promo = max( $promo, self::per_ten_thousand( $p['multiplier'] ) );
				}
			}
			$weighted = self::add( $weighted, self::mul( self::mul( (string) max( 0, (int) $l['net_minor'] ), (string) $m ), (string) $promo ) );
		}
		// floor(points x weighted / (per x 10^exp x 10^8)) + fixed, without floats.
		$den = self::mul( (string) ( $per * ( 10 ** $exp ) ), '100000000' );
		return (int) self::div( self::mul( (string) $num, $weighted ), $den ) + $fixed;
	}

	/**
	 * How a category rule compares with another of the line's categories.
	 *
	 * @param array<string,mixed> $r Rule.
	 */
	private static function rule_weight( array $r ): int {
		return 'fixed' === $r['action'] ? (int) $r['points'] * 10000 : self::per_ten_thousand( $r['multiplier'] );
	}

	private static function mul( string $a, string $b ): string {
		return function_exists( 'bcmul' ) ? bcmul( $a, $b ) : (string) ( (int) $a * (int) $b );
	}

	private static function add( string $a, string $b ): string {
		return function_exists( 'bcadd' ) ? bcadd( $a, $b ) : (string) ( (int) $a + (int) $b );
	}

	private static function div( string $a, string $b ): string {
		return function_exists( 'bcdiv' ) ? bcdiv( $a, $b, 0 ) : (string) intdiv( (int) $a, max( 1, (int) $b ) );
	}

	/**
	 * The share of the price that comes back in points' value: what the
	 * points are worth at the redemption rate over what was paid, in percent
	 * with up to two decimals ("5" or "1.25"); '' when nothing comes back.
	 *
	 * @param array<string,mixed> $program     Program from get().
	 * @param int                 $points      Points earned.
	 * @param int                 $price_minor What was paid, minor units.
	 */
	public static function cashback_percent( array $program, int $points, int $price_minor ): string {
		$rp = (int) ( $program['redeem_points'] ?? 0 );
		$rv = (int) ( $program['redeem_value_minor'] ?? 0 );
		if ( $points <= 0 || $price_minor <= 0 || $rp <= 0 || $rv <= 0 ) {
			return '';
		}
		// percent x 100 = points x rv x 10000 / (rp x price), floored.
		$hundredths = (int) self::div( self::mul( self::mul( (string) $points, (string) $rv ), '10000' ), self::mul( (string) $rp, (string) $price_minor ) );
		if ( $hundredths <= 0 ) {
			return '';
		}
		$text = intdiv( $hundredths, 100 ) . ( $hundredths % 100 ? '.' . rtrim( str_pad( (string) ( $hundredths % 100 ), 2, '0', STR_PAD_LEFT ), '0' ) : '' );
		return $text;
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
