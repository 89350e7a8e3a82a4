<?php
/**
 * Reward codes the service issues on its own.
 *
 * @package Vafa
 */

namespace Vafa\Bonuses;

use Vafa\Program;
use Vafa\Rewards\Codes;

defined( 'ABSPATH' ) || exit;

/**
 * A code issued for a survey answer, a campaign or a win-back never went
 * through the plugin's Redeem button, so WooCommerce would not know it as a
 * coupon. The reward.issued event brings it: remembered for the customer's
 * account before the e-mail goes out.
 */
final class IssuedCodes {
	/**
	 * Hooks the event (before the e-mail, which listens at priority 20).
	 */
	public static function register(): void {
		add_action( 'vafa_event_reward_issued', array( self::class, 'remember' ), 10, 1 );
		add_action( 'vafa_event_winback', array( self::class, 'remember' ), 10, 1 );
	}

	/**
	 * Remembers the event's code for the customer's account.
	 *
	 * @param array<string,mixed> $event The event.
	 */
	public static function remember( $event ): void {
		$r    = $event['data']['redemption'] ?? null;
		$user = (int) ( $event['customer']['id'] ?? 0 );
		if ( ! is_array( $r ) || empty( $r['code'] ) || empty( $r['id'] ) || ! Codes::is_ours( (string) $r['code'] ) || $user <= 0 || ! get_userdata( $user ) ) {
			return;
		}
		if ( null !== Codes::get( (string) $r['code'] ) ) {
			return;
		}
		$program = Program::get();
		Codes::remember( $r, $user, (int) ( $program['currency_exponent'] ?? 2 ) );
	}
}
