<?php
/**
 * The shopper's VIP tier: badge, progress to the next tier, perks.
 *
 * @package Vafa
 */

namespace Vafa\Tiers;

use Vafa\Program;
use Vafa\Storefront\View;
use Vafa\Templates;

defined( 'ABSPATH' ) || exit;

/**
 * Renders the tier from the service's /v1/me answer (the same cached call
 * as the balance: no request of its own) and tells other features which
 * perks the shopper has.
 */
final class Status {
	/**
	 * The shopper's /v1/me answer, or null (logged out, not connected, down
	 * with nothing cached).
	 *
	 * @param int $user_id WordPress user id.
	 * @return array<string,mixed>|null
	 */
	public static function me( int $user_id ): ?array {
		if ( $user_id <= 0 ) {
			return null;
		}
		$client = View::client();
		return $client ? \Vafa\Storefront\View::summary( $user_id ) : null;
	}

	/**
	 * Whether the shopper's tier makes shipping free.
	 *
	 * @param int $user_id WordPress user id.
	 */
	public static function free_shipping( int $user_id ): bool {
		$me = self::me( $user_id );
		return ! empty( $me['tier']['perks']['free_shipping'] );
	}

	/**
	 * A name from a names-by-locale map: the locale, its language, English.
	 *
	 * @param array<string,string> $names  Names.
	 * @param string               $locale WordPress locale.
	 */
	public static function name( array $names, string $locale ): string {
		if ( ! empty( $names[ $locale ] ) ) {
			return (string) $names[ $locale ];
		}
		$lang = substr( $locale, 0, 2 );
		foreach ( $names as $l => $n ) {
			if ( substr( (string) $l, 0, 2 ) === $lang && '' !== $n ) {
				return (string) $n;
			}
		}
		return (string) ( $names['en'] ?? '' );
	}

	/**
	 * The tier box (template tier/status.php); '' when the store has no
	 * tiers or the figures are unavailable.
	 *
	 * @param int $user_id WordPress user id.
	 */
	public static function html( int $user_id ): string {
		$me = self::me( $user_id );
		if ( null === $me || ( empty( $me['tier'] ) && empty( $me['next_tier'] ) ) ) {
			return '';
		}
		$locale  = determine_locale();
		$tier    = is_array( $me['tier'] ?? null ) ? $me['tier'] : null;
		$next    = is_array( $me['next_tier'] ?? null ) ? $me['next_tier'] : null;
		$percent = 100;
		if ( $next && (int) $next['threshold'] > 0 ) {
			$reached = max( 0, (int) $next['threshold'] - (int) $next['missing'] );
			$percent = (int) floor( 100 * $reached / (int) $next['threshold'] );
		}
		$program = Program::get();
		return Templates::render(
			'tier/status.php',
			array(
				'tier'     => $tier,
				'name'     => $tier ? self::name( (array) $tier['names'], $locale ) : '',
				'next'     => $next,
				'next_name' => $next ? self::name( (array) $next['names'], $locale ) : '',
				'percent'  => min( 100, $percent ),
				'currency' => (string) ( $me['currency'] ?? ( $program['currency'] ?? 'USD' ) ),
				'exponent' => (int) ( $me['currency_exponent'] ?? ( $program['currency_exponent'] ?? 2 ) ),
				'locale'   => $locale,
			)
		);
	}
}
